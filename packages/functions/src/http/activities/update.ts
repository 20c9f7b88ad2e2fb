import { updateActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.update", async ({ tenant, params, body, preconditions }) =>
  updateActivity(tenant, params.activityId, body, preconditions),
);
