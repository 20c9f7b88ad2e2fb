import { activityContracts, createActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.create", activityContracts, async ({ tenant, body }) =>
  createActivity(tenant, body),
);
