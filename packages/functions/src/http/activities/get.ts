import { getActivity } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.get", async ({ tenant, params }) =>
  getActivity(tenant, params.activityId),
);
