/**
 * The HTTP API's CORS policy, declared once: `stacks/` hands it to API Gateway, which answers preflights and adds
 * the headers itself, and the local gateway does the same from this declaration. Dependency-free.
 */
export const corsPolicy = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "if-match", "if-none-match", "idempotency-key"],
  /** Every response header a browser client reads: script sees no other (the CORS safelist aside). */
  exposeHeaders: [
    "etag",
    "location",
    "x-request-id",
    "www-authenticate",
    "allow",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "idempotent-replayed",
  ],
  /** Seconds a browser may cache a preflight answer. */
  maxAgeSeconds: 600,
} as const;
