import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Searching contacts, companies and deals.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in search.contract.ts.
 */
export const searchRoutes = {
  "search.query": {
    method: "GET",
    path: "/v1/orgs/{orgId}/search",
    handler: httpHandler("search/query"),
    access: everyRole,
    scope: "search",
  },
} as const satisfies Record<string, RouteDeclaration>;
