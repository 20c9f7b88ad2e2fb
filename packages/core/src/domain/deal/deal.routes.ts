import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Deals, their stage moves, and the deals rotting in a pipeline.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in deal.contract.ts.
 */
export const dealRoutes = {
  "pipelines.rottingDeals": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}/rotting-deals",
    handler: httpHandler("pipelines/rotting-deals"),
    access: everyRole,
    scope: "pipelines",
  },
  "deals.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals",
    handler: httpHandler("deals/create"),
    access: editors,
    scope: "deals",
  },
  "deals.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals",
    handler: httpHandler("deals/list"),
    access: everyRole,
    scope: "deals",
  },
  "deals.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: httpHandler("deals/get"),
    access: everyRole,
    scope: "deals",
  },
  "deals.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: httpHandler("deals/update"),
    access: editors,
    scope: "deals",
  },
  "deals.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/deals/{dealId}",
    handler: httpHandler("deals/delete"),
    access: editors,
    scope: "deals",
  },
  "deals.moveStage": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/deals/{dealId}/stage",
    handler: httpHandler("deals/move-stage"),
    access: editors,
    scope: "deals",
  },
  "deals.stageHistory": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/stage-history",
    handler: httpHandler("deals/stage-history"),
    access: everyRole,
    scope: "deals",
  },
} as const satisfies Record<string, RouteDeclaration>;
