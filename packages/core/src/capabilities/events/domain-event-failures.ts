import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { domainEventFailuresConfig } from "../../platform/config/domain-event-failures.config";

/** A table-stream record that can never become an event, as it is kept on the failure queue. */
export type UndecodableStreamRecord = {
  sequenceNumber: string;
  eventId?: string;
  /** The item's key, to find it in the table (audit entries are never changed). */
  keys: unknown;
  reason: string;
};

let client: SQSClient | undefined;

/**
 * Puts records that can never become events on the failure queue (the stream subscription's on-failure
 * destination), one message each, with the reason, so they hold up nothing and are kept for inspection and
 * replay. Throws if the queue cannot take them: then the caller lets the stream retry.
 */
export async function keepUndecodableStreamRecords(records: UndecodableStreamRecord[]): Promise<void> {
  if (records.length === 0) return;
  const { queueUrl } = domainEventFailuresConfig();
  // The queue URL's own host: in AWS the regional endpoint, locally the SQS stand-in.
  client ??= new SQSClient({ endpoint: new URL(queueUrl).origin });
  for (const record of records) {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({
          kind: "undecodable-stream-record",
          ...record,
          failedAt: new Date().toISOString(),
        }),
      }),
    );
  }
}
