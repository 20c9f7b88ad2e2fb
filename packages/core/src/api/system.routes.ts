import { httpHandler, type RouteDeclaration } from "../declarations/route-declaration";

/**
 * The API's own routes: health and the machine-readable documents.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in system.contract.ts.
 */
export const systemRoutes = {
  "health.get": { method: "GET", path: "/health", handler: httpHandler("health/get"), access: "public" },
  "openapi.get": { method: "GET", path: "/openapi.json", handler: httpHandler("docs/openapi"), access: "public" },
  "eventSchema.get": {
    method: "GET",
    path: "/events/schema.json",
    handler: httpHandler("docs/event-schema"),
    access: "public",
  },
} as const satisfies Record<string, RouteDeclaration>;
