import { activityContracts, listOpenTasks } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("tasks.listOpen", activityContracts, async ({ tenant, query }) =>
  listOpenTasks(tenant, query),
);
