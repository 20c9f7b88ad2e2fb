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
    scope: "contacts",
  },
  "contacts.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/batch-update",
    handler: httpHandler("contacts/batch-update"),
    access: editors,
    scope: "contacts",
  },
  "companies.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-create",
    handler: httpHandler("companies/batch-create"),
    access: editors,
    scope: "companies",
  },
  "companies.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/batch-update",
    handler: httpHandler("companies/batch-update"),
    access: editors,
    scope: "companies",
  },
  "deals.batchCreate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-create",
    handler: httpHandler("deals/batch-create"),
    access: editors,
    scope: "deals",
  },
  "deals.batchUpdate": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/batch-update",
    handler: httpHandler("deals/batch-update"),
    access: editors,
    scope: "deals",
  },
} as const satisfies Record<string, RouteDeclaration>;
