import { activityContracts, deleteActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.delete", activityContracts, async ({ tenant, params, preconditions }) =>
  deleteActivity(tenant, params.activityId, preconditions),
);
