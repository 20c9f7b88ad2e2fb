import { readFile, writeFile } from "node:fs/promises";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { localAwsClientConfig } from "../dynamodb";
import { importHandler, lambdaContext } from "../gateway";
import { type EventPattern, matchesPattern } from "./event-pattern";

type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | undefined>;

export type StreamSubscription = {
  readonly handler: string;
  readonly filters: readonly EventPattern[];
  readonly batchSize: number;
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
};

/** Records the subscriber never handled, after every retry: what Lambda sends to the on-failure destination. */
export type FailedBatch = { shardId: string; sequenceNumbers: string[]; error: string; failedAt: string };

export type StreamReaderOptions = {
  dynamodbEndpoint: string;
  tableName: string;
  subscription: StreamSubscription;
  /** Where positions are kept, so a reader started after a crash resumes after the last record it finished. */
  checkpointFile?: string;
  /**
   * Where to start on a shard without a checkpoint; Lambda (as SST configures it) starts at LATEST. At LATEST the
   * reader first reads past every record already in the shard and saves that position before it reports ready, so
   * a reader killed before its first batch finishes still leaves a position for the next one to resume at.
   */
  startingPosition?: "LATEST" | "TRIM_HORIZON";
  /** The on-failure destination: batches given up on are sent there as Lambda sends them (an SQS queue URL). */
  failureQueueUrl?: string;
  pollIntervalMs?: number;
  retryBaseDelayMs?: number;
  loadHandler?: (handler: string) => Promise<StreamHandler>;
  log?: (message: string) => void;
};

export type StreamReader = {
  failures: () => FailedBatch[];
  /** Resolves when every record written before the call has been handled (or given up on). */
  caughtUp: () => Promise<void>;
  stop: () => Promise<void>;
};

type ShardState = { shardId: string; iterator?: string | null; finished: boolean };

/** A checkpoint that means "from the start of the shard": the shard was empty when the reader first started. */
const shardStart = "TRIM_HORIZON";

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Reads DynamoDB Local's stream the way Lambda's event source mapping reads a table stream: shard by shard, in
 * order, applying the subscription's event filters, in batches, honouring `batchItemFailures` (the checkpoint
 * moves to just before the first failed record), retrying with backoff, bisecting a batch whose handler throws,
 * and after the last retry recording the records as failed and moving on. Positions are persisted after each
 * batch, so killing the process between a write and its handling loses nothing: the next reader starts there.
 */
export async function startStreamReader(options: StreamReaderOptions): Promise<StreamReader> {
  const aws = localAwsClientConfig(options.dynamodbEndpoint);
  const dynamodb = new DynamoDBClient(aws);
  const streams = new DynamoDBStreamsClient(aws);
  const table = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream.`);
  const loadHandler = options.loadHandler ?? importHandler<StreamHandler>;
  const log = options.log ?? (() => undefined);
  const pollInterval = options.pollIntervalMs ?? 100;
  const retryBase = options.retryBaseDelayMs ?? 200;
  const { subscription } = options;

  const checkpoints: Record<string, string> = options.checkpointFile
    ? await readFile(options.checkpointFile, "utf8").then(JSON.parse, () => ({}))
    : {};
  const saveCheckpoint = async (shardId: string, sequenceNumber: string) => {
    checkpoints[shardId] = sequenceNumber;
    if (options.checkpointFile) await writeFile(options.checkpointFile, JSON.stringify(checkpoints));
  };

  const failures: FailedBatch[] = [];
  const queue = options.failureQueueUrl
    ? new SQSClient({ region: aws.region, credentials: aws.credentials })
    : undefined;
  /** Lambda's invocation record for a stream batch that exhausted its retries. */
  const sendToFailureDestination = async (failed: FailedBatch, records: DynamoDBRecord[]) => {
    if (!queue || !options.failureQueueUrl) return;
    const record = {
      requestContext: {
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: subscription.maximumRetryAttempts + 1,
      },
      responseContext: { functionError: failed.error },
      version: "1.0",
      timestamp: failed.failedAt,
      DDBStreamBatchInfo: {
        shardId: failed.shardId,
        startSequenceNumber: failed.sequenceNumbers[0],
        endSequenceNumber: failed.sequenceNumbers.at(-1),
        batchSize: records.length,
        streamArn,
      },
    };
    try {
      await queue.send(
        new SendMessageCommand({ QueueUrl: options.failureQueueUrl, MessageBody: JSON.stringify(record) }),
      );
    } catch (error) {
      log(
        `[stream] the failure destination refused a failed batch: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const shards = new Map<string, ShardState>();
  let stopped = false;
  let round = 0;
  let roundWaiters: { after: number; resolve: () => void }[] = [];

  const discoverShards = async () => {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId as string;
      if (!shards.has(shardId)) shards.set(shardId, { shardId, finished: false });
    }
  };
  await discoverShards();

  const iteratorFor = async (state: ShardState) => {
    const checkpoint = checkpoints[state.shardId];
    // Shards that appear later (after a split) are read from their start, like Lambda follows the lineage.
    const position =
      checkpoint && checkpoint !== shardStart
        ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER" as const, SequenceNumber: checkpoint }
        : { ShardIteratorType: "TRIM_HORIZON" as const };
    const result = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: state.shardId, ...position }),
    );
    return result.ShardIterator ?? null;
  };

  /** Starting at LATEST: reads past what the shard holds now and saves that position. */
  const fastForward = async (state: ShardState) => {
    let iterator = await iteratorFor(state);
    let last: string | undefined;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      iterator = page.NextShardIterator ?? null;
      const records = page.Records ?? [];
      if (records.length === 0) break;
      last = records.at(-1)?.dynamodb?.SequenceNumber;
    }
    await saveCheckpoint(state.shardId, last ?? shardStart);
    state.iterator = iterator;
    if (iterator === null) state.finished = true;
  };
  if ((options.startingPosition ?? "LATEST") === "LATEST") {
    for (const state of shards.values()) if (!checkpoints[state.shardId]) await fastForward(state);
  }

  const lambdaRecord = (record: StreamRecord): DynamoDBRecord =>
    ({
      ...record,
      eventSourceARN: streamArn,
      dynamodb: {
        ...record.dynamodb,
        ApproximateCreationDateTime: Math.floor(
          (record.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Date.now()) / 1000,
        ),
      },
    }) as DynamoDBRecord;

  /** Hands a batch to the subscriber until it is done; returns once every record is handled or given up on. */
  const handleBatch = async (shardId: string, batch: DynamoDBRecord[]): Promise<void> => {
    let remaining = batch;
    let attempt = 0;
    while (remaining.length > 0 && !stopped) {
      attempt++;
      let failedAt = -1;
      let error = "";
      try {
        const handler = await loadHandler(subscription.handler);
        const response = await handler({ Records: remaining }, lambdaContext("table-stream"));
        const firstFailure = response?.batchItemFailures?.[0]?.itemIdentifier;
        failedAt = firstFailure
          ? remaining.findIndex((record) => record.dynamodb?.SequenceNumber === firstFailure)
          : -1;
        if (firstFailure && failedAt < 0) failedAt = 0; // an unknown identifier fails the whole batch, as in Lambda
        error = "reported as failed";
      } catch (thrown) {
        error = thrown instanceof Error ? thrown.message : String(thrown);
        if (subscription.bisectBatchOnFunctionError && remaining.length > 1) {
          const half = Math.ceil(remaining.length / 2);
          await handleBatch(shardId, remaining.slice(0, half));
          await handleBatch(shardId, remaining.slice(half));
          return;
        }
        failedAt = 0;
      }
      const done = failedAt < 0 ? remaining : remaining.slice(0, failedAt);
      const last = done.at(-1)?.dynamodb?.SequenceNumber;
      if (last) await saveCheckpoint(shardId, last);
      if (failedAt < 0) return;
      remaining = remaining.slice(failedAt);
      if (done.length > 0) attempt = 0; // progress resets the retry budget, as the checkpoint moved
      if (attempt > subscription.maximumRetryAttempts) {
        log(`[stream] giving up on ${remaining.length} record(s) of ${shardId}: ${error}`);
        const failed = {
          shardId,
          sequenceNumbers: remaining.map((record) => record.dynamodb?.SequenceNumber ?? ""),
          error,
          failedAt: new Date().toISOString(),
        };
        failures.push(failed);
        await sendToFailureDestination(failed, remaining);
        const skipped = remaining.at(-1)?.dynamodb?.SequenceNumber;
        if (skipped) await saveCheckpoint(shardId, skipped);
        return;
      }
      log(`[stream] subscriber failed (${error}); retry ${attempt} of ${subscription.maximumRetryAttempts}`);
      await sleep(retryBase * 2 ** (attempt - 1));
    }
  };

  const wanted = (record: DynamoDBRecord) => subscription.filters.some((filter) => matchesPattern(filter, record));

  /**
   * Hands a page's matching records to the subscriber in batches, in order. Records the filters leave out count
   * as handled: the position moves past them before the next batch, as Lambda's does.
   */
  const handlePage = async (state: ShardState, records: DynamoDBRecord[]) => {
    let batch: DynamoDBRecord[] = [];
    let skipped: string | undefined;
    const flush = async () => {
      if (skipped) await saveCheckpoint(state.shardId, skipped);
      skipped = undefined;
      if (batch.length > 0) await handleBatch(state.shardId, batch);
      batch = [];
    };
    for (const record of records) {
      if (stopped) return;
      if (wanted(record)) {
        if (skipped) await flush();
        batch.push(record);
        if (batch.length >= subscription.batchSize) await flush();
      } else {
        if (batch.length > 0) await flush();
        skipped = record.dynamodb?.SequenceNumber;
      }
    }
    if (!stopped) await flush();
  };

  const poll = async () => {
    let sinceDiscovery = 0;
    while (!stopped) {
      const roundStarted = ++round;
      let received = 0;
      try {
        if (++sinceDiscovery >= 10) {
          sinceDiscovery = 0;
          await discoverShards();
        }
        for (const state of shards.values()) {
          if (state.finished || stopped) continue;
          state.iterator ??= await iteratorFor(state);
          if (!state.iterator) {
            state.finished = true;
            continue;
          }
          const result = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
          state.iterator = result.NextShardIterator ?? null;
          if (state.iterator === null) state.finished = true;
          const records = (result.Records ?? []).map(lambdaRecord);
          received += records.length;
          await handlePage(state, records);
        }
      } catch (error) {
        log(`[stream] polling failed: ${error instanceof Error ? error.message : String(error)}`);
        for (const state of shards.values()) state.iterator = undefined; // expired or invalid: start again from checkpoints
      }
      if (received === 0) {
        const ready = roundWaiters.filter((waiter) => waiter.after < roundStarted);
        roundWaiters = roundWaiters.filter((waiter) => waiter.after >= roundStarted);
        for (const waiter of ready) waiter.resolve();
        await sleep(pollInterval);
      }
    }
  };
  const polling = poll();

  return {
    failures: () => [...failures],
    caughtUp: () => new Promise((resolve) => roundWaiters.push({ after: round, resolve })),
    stop: async () => {
      stopped = true;
      await polling;
      for (const waiter of roundWaiters) waiter.resolve();
      dynamodb.destroy();
      streams.destroy();
      queue?.destroy();
    },
  };
}
