import { activityContracts, recordTimeline } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.timeline", activityContracts, async ({ tenant, params, query }) =>
  recordTimeline(tenant, { type: "company", id: params.companyId }, query),
);
