import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { type DomainEvent, domainEventOf, publishDomainEvents } from "@crm/core/events";
import { db } from "@crm/core/platform";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { logger } from "../platform/logger";

/**
 * The table's stream subscriber: every committed change wrote an audit entry in its own transaction, so each new
 * audit entry becomes one domain event on the bus. An event is published if and only if its change committed,
 * even if this function dies midway: the stream redelivers from the first record not reported done, and consumers
 * drop what they have already seen by event id.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const pending: { sequenceNumber: string; event: DomainEvent }[] = [];
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || !image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.__edb_e__ !== "auditEntry") continue;
    const { data } = db().entities.auditEntry.parse({ Item: item });
    const domainEvent = data ? domainEventOf(data) : null;
    if (domainEvent) pending.push({ sequenceNumber: record.dynamodb?.SequenceNumber ?? "", event: domainEvent });
  }
  const published = await publishDomainEvents(pending.map((entry) => entry.event));
  const failed = pending[published];
  if (failed) {
    logger.warn("domain events not all published; the stream will redeliver", {
      published,
      pending: pending.length,
      firstFailedEvent: failed.event.id,
    });
    return { batchItemFailures: [{ itemIdentifier: failed.sequenceNumber }] };
  }
  if (pending.length > 0) logger.info("domain events published", { count: published });
  return { batchItemFailures: [] };
}
