import { retryDueDeliveries } from "@crm/core/webhook";
import { scheduledJob } from "../platform/scheduled-job";

/** Room kept after the last attempt for recording it before the function's timeout. */
const safetyMarginMs = 3000;

/**
 * Scheduled every minute (packages/core/src/declarations/schedules.ts): attempts the webhook deliveries whose retry
 * is due, stopping in time to record the last one; what is left stays due for the next run.
 */
export const handler = scheduledJob("webhookRetries", async (context) =>
  retryDueDeliveries({ deadline: Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs }),
);
