import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Deleted records and their restoration.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in trash.contract.ts.
 */
export const trashRoutes = {
  "trash.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/trash",
    handler: httpHandler("trash/list"),
    access: everyRole,
    scope: "trash",
  },
  "trash.restore": {
    method: "POST",
    path: "/v1/orgs/{orgId}/trash/{recordId}/restore",
    handler: httpHandler("trash/restore"),
    access: editors,
    scope: "trash",
  },
} as const satisfies Record<string, RouteDeclaration>;
