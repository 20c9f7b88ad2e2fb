import {
  type BusSubscription,
  busDeadLettersQueueName,
  busName,
  busSubscriberRetries,
  busSubscriptions,
  domainEventFailuresQueueName,
  tableStreamSubscription,
} from "../packages/core/src/declarations";
import { auth, cursorSigningKey } from "./auth";
import { filesBucket } from "./files";
import { integrationLinks, tokenVault } from "./integrations";
import { logicalName } from "./names";
import { realtime } from "./realtime";
import { table } from "./storage";

/** The domain-event bus; its subscribers and their patterns come from the event declaration. */
export const bus = new sst.aws.Bus(busName);

/** Stream records that never became events (undecodable, or failed after every retry), kept for inspection and replay. */
export const domainEventFailures = new sst.aws.Queue(domainEventFailuresQueueName);

/** Bus events a subscriber failed after its retries: kept for 14 days instead of dropped, to inspect and replay. */
export const busDeadLetters = new sst.aws.Queue(busDeadLettersQueueName, {
  transform: { queue: { messageRetentionSeconds: 14 * 86_400 } },
});

// Subscribers push to WebSocket connections (fan-out, automation's notifications), so they are linked to that API too.
const links = [table, auth, cursorSigningKey, bus, realtime];

/**
 * What a subscriber declares it uses: the integrations' resources, or the token vault alone (which they include),
 * and the files' bucket.
 */
const usedLinks = (uses: BusSubscription["uses"] = []) => [
  ...(uses.includes("integrations") ? integrationLinks : uses.includes("vault") ? [tokenVault] : []),
  ...(uses.includes("files") ? [filesBucket] : []),
];

for (const [name, subscription] of Object.entries(busSubscriptions) as [string, BusSubscription][]) {
  const { source, detailType, detail } = subscription.pattern;
  bus.subscribe(
    logicalName(name),
    {
      handler: subscription.handler,
      // The dead-letter queue is linked so the function's role may send to it, as its on-failure destination needs.
      link: [...links, busDeadLetters, ...usedLinks(subscription.uses)],
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
  { handler: tableStreamSubscription.handler, link: [...links, domainEventFailures] },
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
