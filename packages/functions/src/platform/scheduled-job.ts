import type { schedules } from "@crm/core/declarations";
import type { Context } from "aws-lambda";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";

/** A job reports what it did as a few counts, logged and returned. */
type Summary = Record<string, number>;

/**
 * Builds the handler of one declared schedule: runs the job and logs its summary at INFO. A job has no input to
 * refuse; a failure (a dependency down) is logged at ERROR and thrown, so the invocation counts as failed and is
 * retried. Jobs must be safe to run again: they pick up what is due, and what a failed run left stays due.
 */
export function scheduledJob<S extends Summary>(name: keyof typeof schedules, run: (context: Context) => Promise<S>) {
  return loggedInvocation<unknown, S>().handler(async (_event, context) => {
    logger.appendKeys({ job: name });
    try {
      const summary = await run(context);
      logger.info("job ran", summary);
      return summary;
    } catch (error) {
      logger.error("job failed; it will run again", { error: error as Error });
      throw error;
    }
  });
}
