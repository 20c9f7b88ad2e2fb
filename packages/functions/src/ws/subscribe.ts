import { subscribe, subscribeMessageSchema } from "@crm/core/realtime";
import { websocketMessageRoute } from "../platform/websocket-route";

export const handler = websocketMessageRoute(
  "subscribe",
  subscribeMessageSchema,
  async ({ connectionId, message: { orgId, recordId } }) => ({
    type: "subscribed",
    ...(await subscribe(connectionId, { orgId, ...(recordId ? { recordId } : {}) })),
  }),
);
