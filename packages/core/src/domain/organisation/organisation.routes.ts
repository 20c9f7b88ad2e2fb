import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Creating, listing and reading organisations.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in organisation.contract.ts.
 */
export const organisationRoutes = {
  "orgs.create": { method: "POST", path: "/v1/orgs", handler: httpHandler("orgs/create"), access: "signed-in" },
  "orgs.list": { method: "GET", path: "/v1/orgs", handler: httpHandler("orgs/list"), access: "signed-in" },
  "orgs.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}",
    handler: httpHandler("orgs/get"),
    access: everyRole,
    scope: "organisation",
  },
} as const satisfies Record<string, RouteDeclaration>;
