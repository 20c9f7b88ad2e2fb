import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Saved views of the lists: everyone keeps private ones, managers and admins share them (checked by the service, as
 * it depends on the view). No API key scope: a view is a person's. Dependency-free, as SST's config loader imports
 * the route table; the schemas are in saved-view.contract.ts.
 */
export const savedViewRoutes = {
  "views.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/views",
    handler: httpHandler("views/create"),
    access: everyRole,
  },
  "views.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/views",
    handler: httpHandler("views/list"),
    access: everyRole,
  },
  "views.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/views/{viewId}",
    handler: httpHandler("views/get"),
    access: everyRole,
  },
  "views.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/views/{viewId}",
    handler: httpHandler("views/update"),
    access: everyRole,
  },
  "views.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/views/{viewId}",
    handler: httpHandler("views/delete"),
    access: everyRole,
  },
} as const satisfies Record<string, RouteDeclaration>;
