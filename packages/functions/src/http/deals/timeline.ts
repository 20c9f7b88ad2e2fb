import { activityContracts, recordTimeline } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.timeline", activityContracts, async ({ tenant, params, query }) =>
  recordTimeline(tenant, { type: "deal", id: params.dealId }, query),
);
