/**
 * The real-time WebSocket API, declared once: `stacks/` creates it on API Gateway with these routes and this
 * authorizer, and the local WebSocket gateway serves the same routes with the same handler modules.
 * Free of runtime dependencies: SST's config loader imports it.
 */

/** Logical name of the WebSocket API: the SST component name and the key of `Resource.*`. */
export const websocketApiName = "Realtime";

export type WebSocketRouteDeclaration = {
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
  /**
   * Whether the function posts to connections through the management API (its replies, since the API has no route
   * responses), so it must be linked to the WebSocket API.
   */
  readonly pushes: boolean;
  readonly description: string;
};

const ws = (file: string) => `packages/functions/src/ws/${file}.handler`;

/**
 * Every route. A message is routed by its JSON `action` field (API Gateway's `$request.body.action`, which SST
 * sets); a message without one, or with an action no route has, goes to `$default`.
 */
export const websocketRoutes = {
  $connect: {
    handler: ws("connect"),
    pushes: false,
    description: "Records a connection the authorizer admitted, with the identity its token proved.",
  },
  $disconnect: {
    handler: ws("disconnect"),
    pushes: false,
    description: "Forgets the connection and its subscriptions.",
  },
  subscribe: {
    handler: ws("subscribe"),
    pushes: true,
    description: "Subscribes to an organisation's feed or one of its records, for members of that organisation.",
  },
  unsubscribe: {
    handler: ws("unsubscribe"),
    pushes: true,
    description: "Ends a subscription.",
  },
  $default: {
    handler: ws("default"),
    pushes: true,
    description: "Answers messages that name no known action with an error.",
  },
} as const satisfies Record<string, WebSocketRouteDeclaration>;

export type WebSocketRouteKey = keyof typeof websocketRoutes;

/**
 * The Lambda REQUEST authorizer of `$connect` (API Gateway has no JWT authorizer for WebSocket APIs). Browsers cannot
 * set headers on `new WebSocket()`, so the token travels in the query string; without it API Gateway answers 401
 * without invoking the authorizer.
 */
export const websocketAuthorizer = {
  name: "Token",
  handler: ws("authorizer"),
  tokenQueryParameter: "token",
  identitySources: ["route.request.querystring.token"],
} as const;
