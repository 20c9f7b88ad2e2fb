import { batchContracts, batchUpdateCompanies } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.batchUpdate", batchContracts, async ({ tenant, body }) =>
  batchUpdateCompanies(tenant, body.items),
);
