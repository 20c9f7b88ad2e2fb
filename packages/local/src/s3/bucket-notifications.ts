import { bucketSubscriptions } from "@crm/core/declarations";
import { importHandler, lambdaContext } from "../gateway";
import type { LocalS3 } from "./local-s3";
import type { S3Event } from "./s3-event";

/** Lambda retries a failed asynchronous invocation twice. */
const attempts = 3;

/**
 * Delivers the stand-in's object-created notifications to the declared bucket subscribers, as S3 invokes Lambda in
 * AWS: asynchronously, one event per object, only for keys under the subscription's prefix, retried twice on
 * failure (then dropped, as an async invocation without a destination is). Returns a function that stops it and
 * waits for deliveries in flight.
 */
export function deliverBucketNotifications(
  s3: LocalS3,
  options: { onFailure?: (error: unknown, event: S3Event) => void } = {},
): () => Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const deliver = async (event: S3Event) => {
    for (const [name, subscription] of Object.entries(bucketSubscriptions)) {
      const records = event.Records.filter((record) => record.s3.object.key.startsWith(subscription.filterPrefix));
      if (records.length === 0) continue;
      const handler = await importHandler<(event: S3Event, context: unknown) => Promise<unknown>>(subscription.handler);
      for (let attempt = 1; ; attempt++) {
        try {
          await handler({ Records: records }, lambdaContext(name, subscription.timeoutSeconds * 1000));
          break;
        } catch (error) {
          if (attempt >= attempts) {
            options.onFailure?.(error, event);
            break;
          }
        }
      }
    }
  };
  const unsubscribe = s3.onObjectCreated((event) => {
    const delivery = deliver(event).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  });
  return async () => {
    unsubscribe();
    await Promise.allSettled([...inFlight]);
  };
}
