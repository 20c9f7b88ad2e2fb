import { everyRole, httpHandler, managers, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Pipelines, their stages and their board.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in pipeline.contract.ts.
 */
export const pipelineRoutes = {
  "pipelines.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/pipelines",
    handler: httpHandler("pipelines/create"),
    access: managers,
    scope: "pipelines",
  },
  "pipelines.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines",
    handler: httpHandler("pipelines/list"),
    access: everyRole,
    scope: "pipelines",
  },
  "pipelines.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: httpHandler("pipelines/get"),
    access: everyRole,
    scope: "pipelines",
  },
  "pipelines.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: httpHandler("pipelines/update"),
    access: managers,
    scope: "pipelines",
  },
  "pipelines.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}",
    handler: httpHandler("pipelines/delete"),
    access: managers,
    scope: "pipelines",
  },
  "pipelines.board": {
    method: "GET",
    path: "/v1/orgs/{orgId}/pipelines/{pipelineId}/board",
    handler: httpHandler("pipelines/board"),
    access: everyRole,
    scope: "pipelines",
  },
} as const satisfies Record<string, RouteDeclaration>;
