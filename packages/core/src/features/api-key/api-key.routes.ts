import { adminsOnly, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * An organisation's API keys, managed by its admins. No scope: a key never manages keys, so a leaked one cannot
 * make itself a broader one. Dependency-free, as SST's config loader imports the route table; the schemas are in
 * api-key.contract.ts.
 */
export const apiKeyRoutes = {
  "apiKeys.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/api-keys",
    handler: httpHandler("api-keys/create"),
    access: adminsOnly,
  },
  "apiKeys.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/api-keys",
    handler: httpHandler("api-keys/list"),
    access: adminsOnly,
  },
  "apiKeys.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/api-keys/{keyId}",
    handler: httpHandler("api-keys/get"),
    access: adminsOnly,
  },
  "apiKeys.revoke": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/api-keys/{keyId}",
    handler: httpHandler("api-keys/revoke"),
    access: adminsOnly,
  },
} as const satisfies Record<string, RouteDeclaration>;
