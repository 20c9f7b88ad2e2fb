import { referencePagePaths, referencePageScriptFile } from "../declarations/reference-page";
import { httpHandler, type RouteDeclaration } from "../declarations/route-declaration";

/**
 * The API's own routes: health, the machine-readable documents and the reference page that renders them.
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
  "docs.page": { method: "GET", path: referencePagePaths.page, handler: httpHandler("docs/page"), access: "public" },
  "docs.script": {
    method: "GET",
    path: referencePagePaths.script,
    handler: httpHandler("docs/script"),
    access: "public",
    files: [referencePageScriptFile],
  },
} as const satisfies Record<string, RouteDeclaration>;
