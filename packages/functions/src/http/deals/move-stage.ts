import { dealContracts, moveDealToStage } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.moveStage", dealContracts, async ({ tenant, params, body, preconditions }) =>
  moveDealToStage(tenant, params.dealId, body, preconditions),
);
