import { dealContracts, getDealStageHistory } from "@crm/core/deal";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.stageHistory", dealContracts, async ({ tenant, params }) =>
  getDealStageHistory(tenant, params.dealId),
);
