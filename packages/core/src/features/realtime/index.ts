/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { onManagementApiClient, postsInFlight } from "./management-api";
export type { RealtimeMessage, RealtimeShard } from "./realtime.schema";
export { realtimeFanOutSchema, subscribeMessageSchema, unsubscribeMessageSchema } from "./realtime.schema";
export {
  closeConnection,
  connectionLifetimeSeconds,
  type FanOutReport,
  maxSubscriptionsPerConnection,
  openConnection,
  type PushReport,
  pushDomainEvent,
  pushShard,
  pushToConnection,
  subscribe,
  unsubscribe,
} from "./realtime.service";
