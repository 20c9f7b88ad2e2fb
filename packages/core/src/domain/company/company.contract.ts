import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { companyRoutes } from "./company.routes";
import { companySchema, createCompanyInput, listCompaniesQuery, updateCompanyInput } from "./company.schema";

/** What the routes of company.routes.ts accept and answer. */
export const companyContracts = {
  "companies.create": {
    summary: "Create a company",
    tag: "Companies",
    body: createCompanyInput,
    response: { status: 201, description: "The new company.", schema: companySchema, location: true, etag: true },
    errors: [409],
  },
  "companies.list": {
    summary: "List companies",
    description: "Filter by owner and tag; sort by creation time or name. Cursor-paginated.",
    tag: "Companies",
    query: listCompaniesQuery,
    response: { status: 200, description: "A page of companies.", schema: page(companySchema) },
  },
  "companies.get": {
    summary: "Get a company",
    tag: "Companies",
    response: { status: 200, description: "The company.", schema: companySchema, etag: true },
  },
  "companies.update": {
    summary: "Update a company",
    description: "Partial update: only the fields given change; `null` clears a field.",
    tag: "Companies",
    body: updateCompanyInput,
    conditional: true,
    response: { status: 200, description: "The updated company.", schema: companySchema, etag: true },
    errors: [409],
  },
  "companies.delete": {
    summary: "Delete a company",
    description: "Its contacts are kept and unlinked from it. Members may delete only companies they own.",
    tag: "Companies",
    conditional: true,
    response: { status: 204, description: "The company was deleted and its contacts unlinked." },
    errors: [409],
  },
} as const satisfies ContractsOf<typeof companyRoutes>;
