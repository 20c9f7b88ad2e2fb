import { activityContracts, listOverdueTasks } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("tasks.listOverdue", activityContracts, async ({ tenant, query }) =>
  listOverdueTasks(tenant, query),
);
