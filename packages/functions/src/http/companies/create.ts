import { companyContracts, createCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.create", companyContracts, async ({ tenant, body }) =>
  createCompany(tenant, body),
);
