import { domainEventSchema } from "@crm/core/events";
import { dispatchWebhooks } from "@crm/core/webhook";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/** Room kept after the first attempts for recording them before the function's timeout. */
const safetyMarginMs = 2000;

/**
 * The bus subscriber that sends domain events to webhook subscriptions. EventBridge delivers at least once; the
 * delivery records are keyed by subscription and event id, so a redelivered event is not sent again. Failed
 * attempts are the retry job's; only a failure of ours (the table or KMS not answering) makes this throw, so that EventBridge retries.
 */
export const handler = busSubscriber(domainEventSchema, async (event, context) => {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs;
  const summary = await dispatchWebhooks(event, { deadline });
  if (summary.subscriptions > 0) logger.info("webhooks dispatched", summary);
});
