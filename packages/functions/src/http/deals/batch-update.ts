import { batchContracts, batchUpdateDeals } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.batchUpdate", batchContracts, async ({ tenant, body }) =>
  batchUpdateDeals(tenant, body.items),
);
