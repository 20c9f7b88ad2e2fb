import { dealContracts, updateDeal } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.update", dealContracts, async ({ tenant, params, body, preconditions }) =>
  updateDeal(tenant, params.dealId, body, preconditions),
);
