import { openConnection } from "@crm/core/realtime";
import { websocketConnectRoute } from "../platform/websocket-route";

export const handler = websocketConnectRoute(({ connectionId, identity, connectedAt }) =>
  openConnection(connectionId, identity, connectedAt),
);
