import { adminsOnly, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * The change feed: the organisation's domain events, to sync from over HTTP.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in change-feed.contract.ts.
 */
export const changeFeedRoutes = {
  "events.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/events",
    handler: httpHandler("events/list"),
    access: adminsOnly,
    scope: "events",
  },
} as const satisfies Record<string, RouteDeclaration>;
