import { recordTimeline } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("companies.timeline", async ({ tenant, params, query }) =>
  recordTimeline(tenant, { type: "company", id: params.companyId }, query),
);
