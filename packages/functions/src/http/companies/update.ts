import { companyContracts, updateCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "companies.update",
  companyContracts,
  async ({ tenant, params, body, preconditions }) => updateCompany(tenant, params.companyId, body, preconditions),
);
