import { companyContracts, listCompanies } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.list", companyContracts, async ({ tenant, query }) =>
  listCompanies(tenant, query),
);
