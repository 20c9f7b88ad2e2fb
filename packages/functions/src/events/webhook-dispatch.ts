import { domainEventSchema } from "@crm/core/events";
import { dispatchWebhooks } from "@crm/core/webhook";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { logger } from "../platform/logger";

/** Room kept after the first attempts for recording them before the function's timeout. */
const safetyMarginMs = 2000;

/**
 * The bus subscriber that sends domain events to webhook subscriptions. EventBridge delivers at least once; the
 * delivery records are keyed by subscription and event id, so a redelivered event is not sent again. Failed
 * attempts are the retry job's; only a database failure makes this throw, so that EventBridge retries.
 */
export async function handler(event: EventBridgeEvent<string, unknown>, context: Context): Promise<void> {
  const parsed = domainEventSchema.safeParse(event.detail);
  if (!parsed.success) {
    // Retrying cannot make it valid: log it for whoever publishes such events, and let it go.
    logger.error("not a domain event this version understands; dropped", {
      eventBridgeId: event.id,
      detailType: event["detail-type"],
      issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    });
    return;
  }
  const deadline = Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs;
  const summary = await dispatchWebhooks(parsed.data, { deadline });
  if (summary.subscriptions > 0) {
    logger.info("webhooks dispatched", { eventId: parsed.data.id, orgId: parsed.data.orgId, ...summary });
  }
}
