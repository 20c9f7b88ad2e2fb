import { everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * The records linked to a contact, company or deal.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in association.contract.ts.
 */
export const associationRoutes = {
  "contacts.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/contacts/{contactId}/associations",
    handler: httpHandler("contacts/associations"),
    access: everyRole,
    scope: "contacts",
  },
  "companies.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/associations",
    handler: httpHandler("companies/associations"),
    access: everyRole,
    scope: "companies",
  },
  "deals.associations": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/associations",
    handler: httpHandler("deals/associations"),
    access: everyRole,
    scope: "deals",
  },
} as const satisfies Record<string, RouteDeclaration>;
