import "@crm/core/cascades";
import { duplicateContracts, mergeCompanies } from "@crm/core/duplicate";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.merge", duplicateContracts, async ({ tenant, body }) =>
  mergeCompanies(tenant, body),
);
