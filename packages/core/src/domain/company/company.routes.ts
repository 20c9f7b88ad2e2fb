import { editors, everyRole, httpHandler, type RouteDeclaration } from "../../declarations/route-declaration";

/**
 * Companies, one record at a time.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in company.contract.ts.
 */
export const companyRoutes = {
  "companies.create": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies",
    handler: httpHandler("companies/create"),
    access: editors,
    scope: "companies",
  },
  "companies.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies",
    handler: httpHandler("companies/list"),
    access: everyRole,
    scope: "companies",
  },
  "companies.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: httpHandler("companies/get"),
    access: everyRole,
    scope: "companies",
  },
  "companies.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: httpHandler("companies/update"),
    access: editors,
    scope: "companies",
  },
  "companies.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/companies/{companyId}",
    handler: httpHandler("companies/delete"),
    access: editors,
    scope: "companies",
  },
} as const satisfies Record<string, RouteDeclaration>;
