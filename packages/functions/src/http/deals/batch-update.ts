import { batchUpdateDeals } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.batchUpdate", async ({ tenant, body, event }) =>
  batchResults(event, 200, await batchUpdateDeals(tenant, body.items)),
);
