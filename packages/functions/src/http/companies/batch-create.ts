import { batchContracts, batchCreateCompanies } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.batchCreate", batchContracts, async ({ tenant, body }) =>
  batchCreateCompanies(tenant, body.items),
);
