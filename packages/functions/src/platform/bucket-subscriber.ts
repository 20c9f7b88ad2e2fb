import type { bucketSubscriptions } from "@crm/core/declarations";
import type { S3Event } from "aws-lambda";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";

/** What handling one object reports, logged per object. */
type Outcome = string;

/**
 * Builds the handler of one declared bucket subscription: S3 invokes it asynchronously with object-created
 * records. Each object's key is decoded as S3 encodes it in events (`+` for a space, then percent-encoding) and
 * handled; the outcomes are logged. A failure (a dependency down) is logged at ERROR and thrown, so Lambda retries
 * the event: handlers must be idempotent, as S3 delivers at least once.
 */
export function bucketSubscriber(
  name: keyof typeof bucketSubscriptions,
  handle: (objectKey: string) => Promise<Outcome>,
) {
  return loggedInvocation<S3Event, { outcomes: Outcome[] }>().handler(async (event) => {
    logger.appendKeys({ subscription: name });
    const outcomes: Outcome[] = [];
    for (const record of event.Records ?? []) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      try {
        const outcome = await handle(key);
        outcomes.push(outcome);
        logger.info("object handled", { key, outcome, size: record.s3.object.size });
      } catch (error) {
        logger.error("object not handled; the event will be retried", { key, error: error as Error });
        throw error;
      }
    }
    return { outcomes };
  });
}
