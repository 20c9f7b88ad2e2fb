import { duplicateContracts, listDuplicates } from "@crm/core/duplicate";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("duplicates.list", duplicateContracts, async ({ tenant, query }) =>
  listDuplicates(tenant, query),
);
