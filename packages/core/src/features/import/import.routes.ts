import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Imports of contacts, companies or deals from an uploaded CSV file, run in the background in chunks.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in import.contract.ts.
 */
export const importRoutes = {
  "imports.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/imports",
    handler: httpHandler("imports/create"),
    access: editors,
    scope: "imports",
    // It reads the file's header to check the mapping, and puts the run's request on the bus.
    uses: ["files", "bus"],
  },
  "imports.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/imports/{importId}",
    handler: httpHandler("imports/get"),
    access: everyRole,
    scope: "imports",
  },
  "imports.errors": {
    method: "GET",
    path: "/v1/orgs/{orgId}/imports/{importId}/errors",
    handler: httpHandler("imports/errors"),
    access: everyRole,
    scope: "imports",
  },
} as const satisfies Record<string, RouteDeclaration>;
