import { updateCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.update", async ({ tenant, params, body }) =>
  updateCompany(tenant, params.companyId, body),
);
