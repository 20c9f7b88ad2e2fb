import {
  type BusSubscription,
  busName,
  domainEventFailuresQueueName,
  tableStreamSubscription,
} from "@crm/core/declarations";
import {
  type LocalBus,
  type LocalQueue,
  type StreamReader,
  startLocalBus,
  startLocalQueue,
  startStreamReader,
} from "@crm/local/events";
import { inject } from "vitest";

/**
 * The failure queue of the table-stream subscription, as the local cloud runs it, linked the way SST links it.
 * Every test file that reads the stream needs one: DynamoDB Local's stream is shared by the whole run, so any
 * file's undecodable record reaches every reader.
 */
export async function startDomainEventFailureQueue(): Promise<LocalQueue> {
  const queue = await startLocalQueue({ queueName: domainEventFailuresQueueName });
  process.env[`SST_RESOURCE_${domainEventFailuresQueueName}`] = JSON.stringify({ url: queue.url });
  return queue;
}

/**
 * The local event pipeline for a test file: the table stream read like Lambda's event source mapping, published to
 * a local bus that runs the given subscribers. Start it before any handler reads its configuration (the
 * publisher is pointed at this bus through the environment, as the local cloud does).
 */
export async function startEventPipeline(subscriptions: Record<string, BusSubscription>) {
  const bus: LocalBus = await startLocalBus({
    busName: "crm-test-bus",
    subscriptions,
    retry: { attempts: 3, baseDelayMs: 50 },
  });
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: "crm-test-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  const failureQueue = await startDomainEventFailureQueue();
  const reader: StreamReader = await startStreamReader({
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    tableName: inject("tableName"),
    subscription: tableStreamSubscription,
    failureQueueUrl: failureQueue.url,
  });
  return {
    bus,
    reader,
    failureQueue,
    /** Waits until everything written so far went through the stream and every subscriber finished with it. */
    settle: async () => {
      await reader.caughtUp();
      await bus.idle();
    },
    stop: async () => {
      await reader.stop();
      await bus.close();
      await failureQueue.close();
    },
  };
}

export { eventually } from "./eventually";
