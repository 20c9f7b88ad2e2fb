import { activityContracts, listActivities } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("activities.list", activityContracts, async ({ tenant, query }) =>
  listActivities(tenant, query),
);
