import { everyRole, httpHandler, managers, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Duplicate candidates and merges.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in duplicate.contract.ts.
 */
export const duplicateRoutes = {
  "duplicates.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/duplicates",
    handler: httpHandler("duplicates/list"),
    access: everyRole,
    scope: "search",
  },
  "contacts.duplicates": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/duplicates",
    handler: httpHandler("contacts/duplicates"),
    access: everyRole,
    scope: "contacts",
  },
  "companies.duplicates": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/duplicates",
    handler: httpHandler("companies/duplicates"),
    access: everyRole,
    scope: "companies",
  },
  "contacts.merge": {
    method: "POST",
    path: "/v1/orgs/{orgId}/contacts/merge",
    handler: httpHandler("contacts/merge"),
    access: managers,
    scope: "contacts",
  },
  "companies.merge": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/merge",
    handler: httpHandler("companies/merge"),
    access: managers,
    scope: "companies",
  },
} as const satisfies Record<string, RouteDeclaration>;
