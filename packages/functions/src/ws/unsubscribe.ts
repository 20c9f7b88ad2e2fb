import { unsubscribe, unsubscribeMessageSchema } from "@crm/core/realtime";
import { websocketMessageRoute } from "../platform/websocket-route";

export const handler = websocketMessageRoute(
  "unsubscribe",
  unsubscribeMessageSchema,
  async ({ connectionId, message: { orgId, recordId } }) => {
    const topic = { orgId, ...(recordId ? { recordId } : {}) };
    await unsubscribe(connectionId, topic);
    return { type: "unsubscribed", reason: "requested", ...topic };
  },
);
