import { companyContracts, getCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.get", companyContracts, async ({ tenant, params }) =>
  getCompany(tenant, params.companyId),
);
