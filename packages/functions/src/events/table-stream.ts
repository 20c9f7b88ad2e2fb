import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  type DomainEvent,
  keepUndecodableStreamRecords,
  meaningOfNewImage,
  publishDomainEvents,
  type UndecodableStreamRecord,
} from "@crm/core/events";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { logger } from "../platform/logger";

type Located = { position: number; sequenceNumber: string };
type PendingEvent = Located & { event: DomainEvent };
type PendingUndecodable = Located & { undecodable: UndecodableStreamRecord };

/**
 * The table's stream subscriber: every committed change wrote an audit entry in its own transaction, so each new
 * audit entry becomes one domain event on the bus. An event is published if and only if its change committed,
 * even if this function dies midway: the stream redelivers from the first record not reported done, and consumers
 * drop what they have already seen by event id. A record that can never become an event goes to the failure queue
 * with its reason at once, instead of being retried: retrying it would hold up every later record of the shard,
 * every organisation's, for as long as the retries last.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const events: PendingEvent[] = [];
  const undecodable: PendingUndecodable[] = [];
  for (const [position, record] of event.Records.entries()) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || !image) continue;
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
    const meaning = meaningOfNewImage(image as Record<string, AttributeValue>);
    if (meaning.kind === "event") events.push({ position, sequenceNumber, event: meaning.event });
    if (meaning.kind === "undecodable") {
      const kept = {
        sequenceNumber,
        eventId: record.eventID,
        keys: record.dynamodb?.Keys,
        reason: meaning.reason,
      };
      logger.error("a stream record can never become a domain event; it goes to the failure queue", { ...kept });
      undecodable.push({ position, sequenceNumber, undecodable: kept });
    }
  }

  const published = await publishDomainEvents(events.map((entry) => entry.event));
  const firstUnpublished = events[published];
  // Undecodable records before the first unpublished event are done once the failure queue has them.
  const toKeep = undecodable.filter((entry) => !firstUnpublished || entry.position < firstUnpublished.position);
  let firstFailed: Located | undefined = firstUnpublished;
  try {
    await keepUndecodableStreamRecords(toKeep.map((entry) => entry.undecodable));
  } catch (error) {
    logger.error("the failure queue did not take undecodable stream records; the stream will redeliver", {
      error: error as Error,
    });
    firstFailed = toKeep[0];
  }
  if (firstFailed) {
    logger.warn("domain events not all published; the stream will redeliver", {
      published,
      pending: events.length,
      firstFailedRecord: firstFailed.sequenceNumber,
    });
    return { batchItemFailures: [{ itemIdentifier: firstFailed.sequenceNumber }] };
  }
  if (events.length > 0) logger.info("domain events published", { count: published });
  return { batchItemFailures: [] };
}
