import { batchUpdateDeals } from "@crm/core/batch";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.batchUpdate", async ({ tenant, body }) =>
  batchUpdateDeals(tenant, body.items),
);
