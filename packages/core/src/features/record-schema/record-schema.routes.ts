import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * The organisation's record schemas: what a form builder or an integration reads to know every field, custom ones
 * included. Dependency-free, as SST's config loader imports the route table; the schemas are in
 * record-schema.contract.ts.
 */
export const recordSchemaRoutes = {
  "schema.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/schema",
    handler: httpHandler("schema/get"),
    access: everyRole,
    scope: "customFields",
  },
} as const satisfies Record<string, RouteDeclaration>;
