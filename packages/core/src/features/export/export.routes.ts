import { httpHandler, managers, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Exports of contact, company and deal lists to CSV or NDJSON files, downloaded with presigned S3 requests.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in export.contract.ts.
 */
export const exportRoutes = {
  "exports.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/exports",
    handler: httpHandler("exports/create"),
    // A whole list leaves the CRM: managers and admins.
    access: managers,
    scope: "exports",
    uses: ["bus"],
  },
  "exports.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/exports/{exportId}",
    handler: httpHandler("exports/get"),
    access: managers,
    scope: "exports",
    uses: ["files"],
  },
} as const satisfies Record<string, RouteDeclaration>;
