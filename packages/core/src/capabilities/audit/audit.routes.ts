import { adminsOnly, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * The change history.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in audit.contract.ts.
 */
export const auditRoutes = {
  "audit.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/audit",
    handler: httpHandler("audit/list"),
    access: adminsOnly,
    scope: "audit",
  },
} as const satisfies Record<string, RouteDeclaration>;
