import { editors, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Creating and updating up to 100 contacts, companies or deals in one request.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in batch.contract.ts.
 */
export const batchRoutes = {
  "contacts.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/batch-create",
    handler: httpHandler("contacts/batch-create"),
    access: editors,
  },
  "contacts.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/batch-update",
    handler: httpHandler("contacts/batch-update"),
    access: editors,
  },
  "companies.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-create",
    handler: httpHandler("companies/batch-create"),
    access: editors,
  },
  "companies.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-update",
    handler: httpHandler("companies/batch-update"),
    access: editors,
  },
  "deals.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-create",
    handler: httpHandler("deals/batch-create"),
    access: editors,
  },
  "deals.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-update",
    handler: httpHandler("deals/batch-update"),
    access: editors,
  },
} as const satisfies Record<string, RouteDeclaration>;
