import { retryDueDeliveries } from "@crm/core/webhook";
import type { Context } from "aws-lambda";
import { logger } from "../platform/logger";

/** Room kept after the last attempt for recording it before the function's timeout. */
const safetyMarginMs = 3000;

/**
 * Scheduled every minute (packages/core/src/declarations/schedules.ts): attempts the webhook deliveries whose retry
 * is due, stopping in time to record the last one; what is left stays due for the next run.
 */
export async function handler(_event: unknown, context: Context) {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs;
  const summary = await retryDueDeliveries({ deadline });
  if (summary.due > 0) logger.info("webhook retries run", summary);
  return summary;
}
