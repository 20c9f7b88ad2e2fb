import { recordTimeline } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("deals.timeline", async ({ tenant, params, query }) =>
  recordTimeline(tenant, { type: "deal", id: params.dealId }, query),
);
