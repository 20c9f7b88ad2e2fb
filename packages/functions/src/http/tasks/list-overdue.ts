import { listOverdueTasks } from "@crm/core/activity";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("tasks.listOverdue", async ({ tenant, query }) => listOverdueTasks(tenant, query));
