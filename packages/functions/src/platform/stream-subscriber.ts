import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";

/** What one stream record means to a subscriber: an item to handle, nothing, or something it can never handle. */
export type StreamRecordDecoding<T> =
  | { kind: "item"; item: T }
  | { kind: "none" }
  | { kind: "undecodable"; reason: string };

/** A record that can never be handled, as it is kept elsewhere: where it is in the stream and in the table, and why. */
export type UndecodableRecord = { sequenceNumber: string; eventId?: string; keys: unknown; reason: string };

export type StreamSubscriberOptions<T> = {
  decode: (record: DynamoDBRecord) => StreamRecordDecoding<T>;
  /** Handles the items in stream order and returns how many, from the first, are done. */
  handle: (items: T[]) => Promise<number>;
  /** Keeps undecodable records out of the way (a failure queue); throws if it cannot. */
  keepUndecodable: (records: UndecodableRecord[]) => Promise<void>;
};

type Located = { position: number; sequenceNumber: string };

/**
 * Builds a DynamoDB stream subscriber that reports partial batch failures. A record that can never be handled is
 * logged at ERROR and kept at once with its reason, instead of being retried: retrying it would hold up every later
 * record of the shard for as long as the retries last. The first record not done (an item `handle` did not finish,
 * or an undecodable record that could not be kept) is reported, so the stream redelivers from there, and nothing
 * after it is lost; `handle` must therefore be idempotent.
 */
export function streamSubscriber<T>({ decode, handle, keepUndecodable }: StreamSubscriberOptions<T>) {
  return loggedInvocation<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event) => {
    const items: (Located & { item: T })[] = [];
    const undecodable: (Located & { undecodable: UndecodableRecord })[] = [];
    for (const [position, record] of event.Records.entries()) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? "";
      const decoding = decode(record);
      if (decoding.kind === "item") items.push({ position, sequenceNumber, item: decoding.item });
      if (decoding.kind === "undecodable") {
        const kept = { sequenceNumber, eventId: record.eventID, keys: record.dynamodb?.Keys, reason: decoding.reason };
        logger.error("a stream record can never be handled; it goes to the failure queue", { ...kept });
        undecodable.push({ position, sequenceNumber, undecodable: kept });
      }
    }

    let done: number;
    try {
      done = await handle(items.map((entry) => entry.item));
    } catch (error) {
      logger.error("stream records failed; the stream will redeliver the batch", { error: error as Error });
      throw error;
    }
    const firstNotDone = items[done];
    // Undecodable records before the first item not done are done once they are kept.
    const toKeep = undecodable.filter((entry) => !firstNotDone || entry.position < firstNotDone.position);
    let firstFailed: Located | undefined = firstNotDone;
    try {
      await keepUndecodable(toKeep.map((entry) => entry.undecodable));
    } catch (error) {
      logger.error("the failure queue did not take undecodable stream records; the stream will redeliver", {
        error: error as Error,
      });
      firstFailed = toKeep[0];
    }
    if (firstFailed) {
      logger.warn("stream records not all handled; the stream will redeliver", {
        handled: done,
        pending: items.length,
        firstFailedRecord: firstFailed.sequenceNumber,
      });
      return { batchItemFailures: [{ itemIdentifier: firstFailed.sequenceNumber }] };
    }
    if (items.length > 0) logger.info("stream records handled", { count: done });
    return { batchItemFailures: [] };
  });
}
