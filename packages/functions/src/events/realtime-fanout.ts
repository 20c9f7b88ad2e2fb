import { domainEventSchema } from "@crm/core/events";
import { pushDomainEvent } from "@crm/core/realtime";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * The bus subscriber for real-time delivery: pushes each domain event, as `{ "type": "event", "event": … }`, to the
 * WebSocket connections subscribed to its organisation's feed or to its record, and to no other organisation's.
 * EventBridge delivers at least once, so a client may see an event twice; the event id tells. A push that fails
 * for any reason but a vanished connection fails the invocation, so EventBridge retries it.
 */
export const handler = busSubscriber(domainEventSchema, async (event) => {
  const { firstError, ...report } = await pushDomainEvent(event);
  if (report.failed > 0) {
    logger.warn("event not pushed to every subscriber", report);
    throw firstError;
  }
  if (report.delivered + report.gone > 0) logger.info("event pushed", report);
});
