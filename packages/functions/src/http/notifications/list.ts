import { listMyNotifications } from "@crm/core/notification";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("notifications.list", async ({ tenant, query }) =>
  listMyNotifications(tenant, query),
);
