/**
 * The event plumbing, declared once: the bus, its subscribers with their patterns, and the table-stream subscriber
 * that turns committed changes into domain events. `stacks/` creates them on AWS (sst.aws.Bus, Dynamo.subscribe);
 * the local cloud runs the same subscribers with the same patterns against its local bus and stream reader.
 * Free of runtime dependencies: SST's config loader imports it.
 */

/** Logical name of the EventBridge bus: the SST component name and the key of `Resource.*`. */
export const busName = "CrmBus";

/**
 * Logical name of the queue that keeps table-stream records which never became events: what the subscriber could not
 * decode (sent at once, with the reason) and batches that still failed after every retry (Lambda's on-failure
 * destination). The SST component name and the key of `Resource.*`.
 */
export const domainEventFailuresQueueName = "DomainEventFailures";

/**
 * Logical name of the queue that keeps bus events a subscriber still failed after Lambda's retries of an
 * asynchronous invocation (its on-failure destination): in AWS they would otherwise be dropped; locally the bus
 * keeps them as dead letters. The SST component name and the key of `Resource.*`.
 */
export const busDeadLettersQueueName = "BusDeadLetters";

/** How often Lambda retries a bus event its subscriber failed, before the event goes to the dead letters. */
export const busSubscriberRetries = 2;

/** `source` of every domain event this API publishes. */
export const domainEventSource = "crm.api";

/** `source` of the events the integrations put on the bus for themselves (sync requests), never domain events. */
export const integrationEventSource = "crm.integrations";

/** `detail-type` of a request to sync one connection now (a provider said something changed). */
export const syncRequestedEventType = "integration.sync_requested";

/** `source` of the events an import puts on the bus for itself (run it, go on with it), never domain events. */
export const importEventSource = "crm.imports";

/** `detail-type` of a request to start an import's run. */
export const importRequestedEventType = "import.requested";

/** `detail-type` of a request to go on with an import after a chunk, each in an invocation of its own. */
export const importContinuedEventType = "import.continued";

/** Where requests to write an export come from on the bus, and their detail-type. */
export const exportEventSource = "crm.exports";
export const exportRequestedEventType = "export.requested";

/** `source` of the shards the real-time fan-out puts on the bus for itself, never domain events. */
export const realtimeEventSource = "crm.realtime";

/** `detail-type` of a request to push one domain event to one shard of its subscribers, in an invocation of its own. */
export const realtimeShardRequestedEventType = "realtime.shard_requested";

/**
 * Connections one real-time fan-out invocation posts to. An event with more subscribers is split into shards of
 * this size: the invocation posts to the first and asks the bus for an invocation for each of the others, so an
 * organisation's thousands of connections are reached in parallel rather than one after another.
 */
export const realtimeConnectionsPerShard = 250;

/** The record types whose tags the tag index serves (`?tag=` on their lists), each kept by the `tagIndex` subscriber. */
export const tagIndexedRecordTypes = ["contact", "company", "deal"] as const;

/** An EventBridge pattern in SST's shape (`detailType` becomes `detail-type`). */
export type BusPattern = {
  readonly source?: readonly unknown[];
  readonly detailType?: readonly unknown[];
  readonly detail?: Readonly<Record<string, unknown>>;
};

export type BusSubscription = {
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
  readonly pattern: BusPattern;
  readonly description: string;
  /** The function's timeout, when the 10-second default is too short. */
  readonly timeoutSeconds?: number;
  /**
   * Resources the subscriber needs besides the table, the bus and the WebSocket API: `vault` is the token vault
   * alone (webhook signing secrets), `integrations` everything the integrations use, the vault included, `files`
   * the files' bucket.
   */
  readonly uses?: readonly ("integrations" | "vault" | "files")[];
};

const events = (file: string) => `packages/functions/src/events/${file}.handler`;

/** Every subscriber of the bus. Each one filters by pattern: a subscriber without one would receive everything. */
export const busSubscriptions = {
  realtime: {
    handler: events("realtime-fanout"),
    // Its own shards come back to it: an event with many subscribers is pushed by several invocations.
    pattern: { source: [domainEventSource, realtimeEventSource] },
    description:
      "Pushes every domain event to the WebSocket connections subscribed to its organisation or record, in shards when they are many.",
  },
  webhooks: {
    handler: events("webhook-dispatch"),
    pattern: { source: [domainEventSource] },
    description:
      "Records one delivery per enabled webhook subscription of the event's organisation that selects its type, and makes the first attempt.",
    // Each first attempt may take the full 10-second delivery timeout.
    timeoutSeconds: 30,
    // Signing opens the subscriptions' sealed secrets.
    uses: ["vault"],
  },
  automation: {
    handler: events("automation"),
    pattern: { source: [domainEventSource] },
    description: "Runs the organisation's enabled automation rules whose trigger matches the event.",
    // Its sendWebhook action signs the delivery; its draftInvoice action calls the connected books, each provider
    // call with its own 10-second attempt limit.
    timeoutSeconds: 90,
    uses: ["integrations"],
  },
  tagIndex: {
    handler: events("tag-index"),
    // Every event of a tagged record type: any of them may have changed its tags, or its being there at all.
    pattern: { source: [domainEventSource], detail: { record: { type: [...tagIndexedRecordTypes] } } },
    description:
      "Keeps the tag index of contacts, companies and deals: reads the event's record and writes or deletes one pointer per tag the event names or the record has.",
  },
  activityFiles: {
    handler: events("activity-files"),
    pattern: { source: [domainEventSource], detailType: ["activity.deleted"] },
    description:
      "Lets a deleted activity's files go: a file also on other records loses the activity; a file on it alone goes to the trash, to be purged.",
  },
  integrationSync: {
    handler: events("integration-sync"),
    pattern: { source: [integrationEventSource], detailType: [syncRequestedEventType] },
    description:
      "Syncs the connection a provider's notification named (Gmail's Pub/Sub push, a Calendar channel), so the notification itself is acknowledged at once.",
    // A sync reads pages of provider data; each call has its own 10-second attempt limit.
    timeoutSeconds: 300,
    uses: ["integrations"],
  },
  importRun: {
    handler: events("import-run"),
    pattern: { source: [importEventSource], detailType: [importRequestedEventType, importContinuedEventType] },
    description:
      "Runs one chunk of a CSV import (rows from its stored cursor, read as a stream from the files' bucket), saves the cursor and counts, and asks for the next chunk.",
    // A chunk stops after about 20 seconds of rows; the rest is room for the row in flight and the bookkeeping.
    timeoutSeconds: 60,
    uses: ["files"],
  },
  exportRun: {
    handler: events("export-run"),
    pattern: { source: [exportEventSource], detailType: [exportRequestedEventType] },
    description:
      "Writes an export: the list page by page into a temporary file, then streamed to the files' bucket; marks it completed or failed.",
    // A list is read a page (100 records, one query) at a time: 100,000 records are a thousand queries.
    timeoutSeconds: 300,
    uses: ["files"],
  },
} as const satisfies Record<string, BusSubscription>;

/**
 * The table's stream subscriber: it reads committed changes and publishes one domain event per audit entry (the
 * audit entry is written in the change's own transaction, so it is the outbox). The filter is a Lambda event
 * filter on the raw stream record; retries, bisection and the failure destination keep one bad record from
 * blocking the shard for a day.
 */
export const tableStreamSubscription = {
  handler: events("table-stream"),
  filters: [{ eventName: ["INSERT"], dynamodb: { NewImage: { __edb_e__: { S: ["auditEntry"] } } } }],
  batchSize: 100,
  maximumRetryAttempts: 10,
  bisectBatchOnFunctionError: true,
} as const;
