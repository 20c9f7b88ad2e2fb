/**
 * What a route declaration is made of, shared by every `*.routes.ts` beside its domain and by the route table that
 * assembles them. Free of runtime dependencies, like every file the route table imports: SST's config loader
 * imports it.
 */

export const roles = ["admin", "manager", "member", "viewer"] as const;
export type Role = (typeof roles)[number];

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route:
 * - `public`: anyone, no token;
 * - `signed-in`: any valid token, no organisation involved (the route is not under /v1/orgs/{orgId});
 * - a list of roles: a valid token whose email is a member of the path's organisation with one of these roles.
 */
export type RouteAccess = "public" | "signed-in" | readonly Role[];

/**
 * Resources a route's function is linked to besides what its access rule implies (a non-public route always gets
 * the table, the token settings and the cursor key): `stacks/` links them, the configuration reads them.
 * `vault` is the token vault alone, for functions that seal or open secrets but talk to no provider; `integrations`
 * includes it. `files` is the files' bucket.
 */
export type RouteResource = "table" | "integrations" | "vault" | "bus" | "files";

/**
 * What an API key's scopes name: `<resource>:read` lets a key call a resource's GET routes, `<resource>:write` its
 * other routes and its GET routes too. A route without a resource (members' changes, connecting integrations,
 * the caller's own notifications, the API keys themselves) is for people only.
 */
export const apiKeyResources = [
  "organisation",
  "members",
  "contacts",
  "companies",
  "pipelines",
  "deals",
  "activities",
  "trash",
  "search",
  "audit",
  "events",
  "automation",
  "webhooks",
  "integrations",
  "invoices",
  "files",
  "imports",
  "exports",
  "customFields",
] as const;
export type ApiKeyResource = (typeof apiKeyResources)[number];

export const apiKeyScopes = apiKeyResources.flatMap((resource) => [`${resource}:read`, `${resource}:write`] as const);
export type ApiKeyScope = `${ApiKeyResource}:${"read" | "write"}`;

export type RouteDeclaration = {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  readonly path: string;
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
  readonly access: RouteAccess;
  readonly uses?: readonly RouteResource[];
  /**
   * Set on a provider's webhook receiver: who signs its requests. Its handler is built by `webhookReceiver`, which
   * checks the signature before anything is parsed, so an unsigned request is a 401 whatever its body.
   */
  readonly signedBy?: string;
  /** The resource whose scope lets an API key call this route (see apiKeyResources); absent: people only. */
  readonly scope?: ApiKeyResource;
  /**
   * Files the handler reads at run time, as paths from the repository root: `stacks/` ships them in the function's
   * package at the same path (SST's copyFiles), and locally they are read where they are (see `shippedFile`).
   */
  readonly files?: readonly string[];
};

/** The scope an API key needs for a route, or null when keys may not call it. */
export function apiKeyScopeFor(route: RouteDeclaration): ApiKeyScope | null {
  if (!route.scope) return null;
  return `${route.scope}:${route.method === "GET" ? "read" : "write"}`;
}

/** Whether scopes grant another: `x:write` grants `x:read` too. */
export function scopesGrant(held: readonly string[], needed: ApiKeyScope): boolean {
  const [resource] = needed.split(":");
  return held.includes(needed) || (needed.endsWith(":read") && held.includes(`${resource}:write`));
}

export const everyRole = roles;
export const editors = ["admin", "manager", "member"] as const satisfies readonly Role[];
export const managers = ["admin", "manager"] as const satisfies readonly Role[];
export const adminsOnly = ["admin"] as const satisfies readonly Role[];

/** The SST handler string of an HTTP handler file under packages/functions/src/http. */
export const httpHandler = (file: string) => `packages/functions/src/http/${file}.handler`;
