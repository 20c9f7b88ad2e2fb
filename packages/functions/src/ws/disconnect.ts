import { closeConnection } from "@crm/core/realtime";
import { websocketDisconnectRoute } from "../platform/websocket-route";

export const handler = websocketDisconnectRoute((connectionId) => closeConnection(connectionId));
