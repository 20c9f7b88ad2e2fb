import { activityContracts, getActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.get", activityContracts, async ({ tenant, params }) =>
  getActivity(tenant, params.activityId),
);
