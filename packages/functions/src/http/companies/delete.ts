// The cascades this route triggers (records losing their links, a removed stage's deals moving) are registered here.
import "@crm/core/cascades";
import { companyContracts, deleteCompany } from "@crm/core/company";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.delete", companyContracts, async ({ tenant, params, preconditions }) =>
  deleteCompany(tenant, params.companyId, preconditions),
);
