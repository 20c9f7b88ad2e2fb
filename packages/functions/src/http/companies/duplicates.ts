import { companyDuplicates, duplicateContracts } from "@crm/core/duplicate";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.duplicates", duplicateContracts, async ({ tenant, params }) =>
  companyDuplicates(tenant, params.companyId),
);
