/** The public surface of this module: what handlers, the local cloud and the tests use. */

export type { RealtimeMessage } from "./realtime.schema";
export { subscribeMessageSchema, unsubscribeMessageSchema } from "./realtime.schema";
export {
  closeConnection,
  connectionLifetimeSeconds,
  maxSubscriptionsPerConnection,
  openConnection,
  pushDomainEvent,
  pushToConnection,
  subscribe,
  unsubscribe,
} from "./realtime.service";
