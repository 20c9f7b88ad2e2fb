import { type PushReport, pushDomainEvent, pushShard, realtimeFanOutSchema } from "@crm/core/realtime";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * The bus subscriber for real-time delivery: pushes each domain event, as `{ "type": "event", "event": … }`, to the
 * WebSocket connections subscribed to its organisation's feed or to its record, and to no other organisation's.
 * An event with more subscribers than one invocation posts to comes back as shards, each pushed by an invocation
 * of its own. EventBridge delivers at least once, so a client may see an event twice; the event id tells. A push
 * that fails for any reason but a vanished connection fails the invocation, so EventBridge retries it (a shard
 * alone, when it was a shard).
 */
export const handler = busSubscriber(realtimeFanOutSchema, async (detail) => {
  const { firstError, ...report }: PushReport & { shardsRequested?: number } =
    "connectionIds" in detail ? await pushShard(detail) : await pushDomainEvent(detail);
  if (report.failed > 0) {
    logger.warn("event not pushed to every subscriber", report);
    throw firstError;
  }
  if (report.delivered + report.gone + (report.shardsRequested ?? 0) > 0) logger.info("event pushed", report);
});
