import { batchContracts, batchCreateDeals } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.batchCreate", batchContracts, async ({ tenant, body }) =>
  batchCreateDeals(tenant, body.items),
);
