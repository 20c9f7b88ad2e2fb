import { deleteCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.delete", async ({ tenant, params, preconditions }) =>
  deleteCompany(tenant, params.companyId, preconditions),
);
