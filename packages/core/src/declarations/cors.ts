/**
 * The HTTP API's CORS policy, declared once: `stacks/` hands it to API Gateway, which answers preflights and adds
 * the headers itself, and the local gateway does the same from this declaration. Dependency-free.
 */
export const corsPolicy = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "if-match", "idempotency-key"],
  exposeHeaders: ["etag", "location", "x-request-id", "www-authenticate", "allow", "retry-after"],
  /** Seconds a browser may cache a preflight answer. */
  maxAgeSeconds: 600,
} as const;
