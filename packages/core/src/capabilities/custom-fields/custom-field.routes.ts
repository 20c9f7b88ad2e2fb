import { everyRole, httpHandler, managers, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * An organisation's custom fields: managers and admins define them, everyone reads them (a form needs them).
 * Dependency-free, as SST's config loader imports the route table; the schemas are in custom-field.contract.ts.
 */
export const customFieldRoutes = {
  "customFields.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/custom-fields",
    handler: httpHandler("custom-fields/create"),
    access: managers,
    scope: "customFields",
  },
  "customFields.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/custom-fields",
    handler: httpHandler("custom-fields/list"),
    access: everyRole,
    scope: "customFields",
  },
  "customFields.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/custom-fields/{fieldId}",
    handler: httpHandler("custom-fields/get"),
    access: everyRole,
    scope: "customFields",
  },
  "customFields.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/custom-fields/{fieldId}",
    handler: httpHandler("custom-fields/update"),
    access: managers,
    scope: "customFields",
  },
  "customFields.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/custom-fields/{fieldId}",
    handler: httpHandler("custom-fields/delete"),
    access: managers,
    scope: "customFields",
  },
} as const satisfies Record<string, RouteDeclaration>;
