import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { notificationRoutes } from "./notification.routes";
import { notificationSchema } from "./notification.schema";

/** What the routes of notification.routes.ts accept and answer. */
export const notificationContracts = {
  "notifications.list": {
    summary: "List my notifications",
    description:
      "The caller's notifications in this organisation, newest first, such as a webhook the API disabled (sent to every admin). Kept 90 days.",
    tag: "Notifications",
    query: pageQuery,
    response: { status: 200, description: "A page of notifications.", schema: page(notificationSchema) },
  },
} as const satisfies ContractsOf<typeof notificationRoutes>;
