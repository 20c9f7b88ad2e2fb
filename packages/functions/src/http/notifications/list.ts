import { listMyNotifications, notificationContracts } from "@crm/core/notification";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("notifications.list", notificationContracts, async ({ tenant, query }) =>
  listMyNotifications(tenant, query),
);
