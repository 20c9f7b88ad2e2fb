import { activityContracts, updateActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "activities.update",
  activityContracts,
  async ({ tenant, params, body, preconditions }) => updateActivity(tenant, params.activityId, body, preconditions),
);
