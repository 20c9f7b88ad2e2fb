import {
  type BusSubscription,
  busDeadLettersQueueName,
  busName,
  busSubscriberLinks,
  busSubscriberRetries,
  busSubscriptions,
  domainEventFailuresQueueName,
  tableStreamLinks,
  tableStreamSubscription,
} from "../packages/core/src/declarations";
// What the subscribers are linked to, registered by the modules that create it.
import "./auth";
import "./files";
import "./integrations";
import "./realtime";
import { linkable, linksNamed } from "./links";
import { logicalName } from "./names";
import { table } from "./storage";

/** The domain-event bus; its subscribers and their patterns come from the event declaration. */
export const bus = linkable(busName, new sst.aws.Bus(busName));

/** Stream records that never became events (undecodable, or failed after every retry), kept for inspection and replay. */
export const domainEventFailures = linkable(
  domainEventFailuresQueueName,
  new sst.aws.Queue(domainEventFailuresQueueName),
);

/** Bus events a subscriber failed after its retries: kept for 14 days instead of dropped, to inspect and replay. */
export const busDeadLetters = linkable(
  busDeadLettersQueueName,
  new sst.aws.Queue(busDeadLettersQueueName, { transform: { queue: { messageRetentionSeconds: 14 * 86_400 } } }),
);

for (const [name, subscription] of Object.entries(busSubscriptions) as [string, BusSubscription][]) {
  const { source, detailType, detail } = subscription.pattern;
  bus.subscribe(
    logicalName(name),
    {
      handler: subscription.handler,
      // With the dead-letter queue, so the function's role may send to it, as its on-failure destination needs.
      link: linksNamed(busSubscriberLinks(subscription)),
      ...(subscription.timeoutSeconds ? { timeout: `${subscription.timeoutSeconds} seconds` as const } : {}),
      retries: busSubscriberRetries,
      transform: {
        eventInvokeConfig: { destinationConfig: { onFailure: { destination: busDeadLetters.arn } } },
      },
    },
    {
      pattern: {
        ...(source ? { source: [...source] } : {}),
        ...(detailType ? { detailType: [...detailType] } : {}),
        ...(detail ? { detail: { ...detail } } : {}),
      },
    },
  );
}

// Committed changes become domain events: each audit entry, written in its change's transaction, is one event.
table.subscribe(
  "DomainEvents",
  { handler: tableStreamSubscription.handler, link: linksNamed(tableStreamLinks) },
  {
    filters: tableStreamSubscription.filters.map((filter) => ({ ...filter })),
    transform: {
      eventSourceMapping: {
        batchSize: tableStreamSubscription.batchSize,
        maximumRetryAttempts: tableStreamSubscription.maximumRetryAttempts,
        bisectBatchOnFunctionError: tableStreamSubscription.bisectBatchOnFunctionError,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: domainEventFailures.arn } },
      },
    },
  },
);
