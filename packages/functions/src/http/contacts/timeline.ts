import { activityContracts, recordTimeline } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("contacts.timeline", activityContracts, async ({ tenant, params, query }) =>
  recordTimeline(tenant, { type: "contact", id: params.contactId }, query),
);
