import { type StreamRecordDecoding, streamSubscriber, type UndecodableRecord } from "@crm/functions/platform";
import { lambdaContext } from "@crm/local/gateway";
import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { logsOf } from "../support/logs";

// Before the factory's logger loads: it reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "INFO";
});

/** A stream record whose new image says what it is: `item:<name>`, `poison`, or anything else (not for us). */
function aRecord(sequenceNumber: string, content: string): DynamoDBRecord {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: "INSERT",
    dynamodb: { SequenceNumber: sequenceNumber, Keys: { pk: { S: content } }, NewImage: { content: { S: content } } },
  };
}

function decode(record: DynamoDBRecord): StreamRecordDecoding<string> {
  const content = record.dynamodb?.NewImage?.content?.S ?? "";
  if (content.startsWith("item:")) return { kind: "item", item: content.slice(5) };
  if (content === "poison") return { kind: "undecodable", reason: "it is poison" };
  return { kind: "none" };
}

/** A subscriber whose handler takes at most `capacity` items per batch and whose failure queue may be down. */
function aSubscriber({ capacity = Number.POSITIVE_INFINITY, queueDown = false } = {}) {
  const handled: string[] = [];
  const kept: UndecodableRecord[] = [];
  const handler = streamSubscriber({
    decode,
    handle: async (items) => {
      const done = items.slice(0, capacity);
      handled.push(...done);
      return done.length;
    },
    keepUndecodable: async (records) => {
      if (queueDown && records.length > 0) throw new Error("Simulated failure: the queue is down");
      kept.push(...records);
    },
  });
  const run = (records: DynamoDBRecord[]) => handler({ Records: records }, lambdaContext("table-stream"));
  return { run, handled, kept };
}

describe("a stream subscriber", () => {
  it("handles its items in order, keeps a record it can never handle at once, and reports nothing to retry", async () => {
    const subscriber = aSubscriber();

    let response: unknown;
    const logs = await logsOf(async () => {
      response = await subscriber.run([
        aRecord("1", "item:a"),
        aRecord("2", "poison"),
        aRecord("3", "other"),
        aRecord("4", "item:b"),
      ]);
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(subscriber.handled).toEqual(["a", "b"]);
    expect(subscriber.kept).toEqual([
      { sequenceNumber: "2", eventId: "event-2", keys: { pk: { S: "poison" } }, reason: "it is poison" },
    ]);
    expect(logs.find((entry) => entry.level === "ERROR")).toMatchObject({
      sequenceNumber: "2",
      reason: "it is poison",
      function_name: "table-stream",
    });
  });

  it("reports the first item not handled, and keeps only the records before it", async () => {
    const subscriber = aSubscriber({ capacity: 1 });

    let response: unknown;
    await logsOf(async () => {
      response = await subscriber.run([
        aRecord("1", "poison"),
        aRecord("2", "item:a"),
        aRecord("3", "item:b"),
        aRecord("4", "poison"),
      ]);
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "3" }] });
    expect(subscriber.kept.map((record) => record.sequenceNumber)).toEqual(["1"]);
  });

  it("reports the first record it could not keep when the failure queue is down", async () => {
    const subscriber = aSubscriber({ queueDown: true });

    let response: unknown;
    const logs = await logsOf(async () => {
      response = await subscriber.run([aRecord("1", "item:a"), aRecord("2", "poison"), aRecord("3", "item:b")]);
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "2" }] });
    expect(subscriber.handled).toEqual(["a", "b"]);
    expect(logs.filter((entry) => entry.level === "ERROR").map((entry) => entry.message)).toContain(
      "the failure queue did not take undecodable stream records; the stream will redeliver",
    );
  });

  it("throws when its handler fails, so the whole batch is retried, and logs the failure", async () => {
    const outage = new Error("Simulated failure: the bus is down");
    const handler = streamSubscriber({
      decode,
      handle: async () => {
        throw outage;
      },
      keepUndecodable: async () => {},
    });

    let outcome: unknown;
    const logs = await logsOf(async () => {
      outcome = await handler({ Records: [aRecord("1", "item:a")] }, lambdaContext("table-stream")).catch(
        (error: unknown) => error,
      );
    });

    expect(outcome).toBe(outage);
    expect(JSON.stringify(logs.find((entry) => entry.level === "ERROR")?.error)).toContain("the bus is down");
  });
});
