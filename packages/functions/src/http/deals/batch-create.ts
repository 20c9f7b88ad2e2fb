import { batchCreateDeals } from "@crm/core/batch";
import { batchResults, httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.batchCreate", async ({ tenant, body, event }) =>
  batchResults(event, 201, await batchCreateDeals(tenant, body.items)),
);
