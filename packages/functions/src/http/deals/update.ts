import { updateDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.update", async ({ tenant, params, body, preconditions }) =>
  updateDeal(tenant, params.dealId, body, preconditions),
);
