import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { domainEventSchema } from "@crm/core/events";
import { pushDomainEvent } from "@crm/core/realtime";
import middy from "@middy/core";
import type { EventBridgeEvent } from "aws-lambda";
import { logger } from "../platform/logger";

/**
 * The bus subscriber for real-time delivery: pushes each domain event, as `{ "type": "event", "event": … }`, to the
 * WebSocket connections subscribed to its organisation's feed or to its record, and to no other organisation's.
 * EventBridge delivers at least once, so a client may see an event twice; the event id tells. A push that fails
 * for any reason but a vanished connection fails the invocation, so EventBridge retries it.
 */
export const handler = middy<EventBridgeEvent<string, unknown>, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (envelope) => {
    const parsed = domainEventSchema.safeParse(envelope.detail);
    if (!parsed.success) {
      // A detail that does not parse never will: retrying cannot help, so it is logged and dropped.
      logger.error("not a domain event; dropped", { eventId: envelope.id, detailType: envelope["detail-type"] });
      return;
    }
    const event = parsed.data;
    logger.appendKeys({ eventId: event.id, eventType: event.type, orgId: event.orgId });
    const report = await pushDomainEvent(event);
    if (report.failed > 0) {
      const { delivered, gone, failed } = report;
      logger.warn("event not pushed to every subscriber", {
        delivered,
        gone,
        failed,
        error: report.firstError as Error,
      });
      throw report.firstError;
    }
    if (report.delivered + report.gone > 0) logger.info("event pushed", { ...report });
  });
