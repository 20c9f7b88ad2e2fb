import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { conflictRetriesConfig } from "./config/conflict-retries.config";
import { ConcurrentModificationError } from "./errors";
import { databaseClient } from "./table";

/** One action of a write transaction: what an ElectroDB operation's `.commit()` returns. */
export type TransactionAction = Partial<
  Record<"Put" | "Update" | "Delete" | "ConditionCheck", Record<string, unknown>>
>;

type SdkTransactionAction = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Why each action of a canceled TransactWriteItems did not apply, in the order the actions were given. */
export type CancellationReason = { code: string; item: unknown };

type CanceledTransaction = { name: string; CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] };

/** The item a failed condition saw (asked for with `response: "all_old"`), as plain attributes. */
function itemOf(item: Record<string, unknown> | undefined): unknown {
  if (!item) return null;
  try {
    return unmarshall(item as Record<string, AttributeValue>);
  } catch {
    return item;
  }
}

/** Runs one TransactWriteItems; null when it committed, else why each action did not apply. */
async function transactWrite(actions: TransactionAction[]): Promise<CancellationReason[] | null> {
  if (actions.length === 0) return null;
  try {
    await databaseClient().send(new TransactWriteCommand({ TransactItems: actions as SdkTransactionAction[] }));
    return null;
  } catch (error) {
    const canceled = error as CanceledTransaction;
    if (canceled.name !== "TransactionCanceledException") throw error;
    return (canceled.CancellationReasons ?? []).map((reason) => ({
      code: reason.Code ?? "None",
      item: itemOf(reason.Item),
    }));
  }
}

/**
 * True when a single conditional write failed its condition; callers turn that into "someone else got there
 * first" instead of an error.
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return isAwsError(error, "ConditionalCheckFailedException");
}

/**
 * Whether DynamoDB answered with this error: the SDK's error itself (ElectroDB passes it on unwrapped, see
 * `tableEntity`) or one wrapping it as its cause.
 */
export function isAwsError(error: unknown, name: string): boolean {
  const seen = error as { name?: string; cause?: { name?: string } } | undefined;
  return seen?.name === name || seen?.cause?.name === name;
}

/** True when a conditional write succeeded, false when its condition failed (someone else got there first). */
export async function succeedsUnlessTaken(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** True when DynamoDB canceled because another transaction touched the same items (safe to retry). */
function conflicted(reasons: CancellationReason[]): boolean {
  return reasons.some((reason) => reason.code === "TransactionConflict");
}

/** Attempts before a conflicting transaction is reported as a concurrent modification. */
const conflictAttempts = 5;

/**
 * Runs a write transaction and returns its cancellation reasons (null when it committed): for change sets
 * (change-set.ts), which map them to their steps; services build change sets instead of calling this. When DynamoDB cancels it
 * only because another transaction touched the same items at the same moment (hot counters such as stage totals),
 * it runs it again after a backoff pause, since nothing in it applied.
 */
export async function writeTransaction(actions: TransactionAction[]): Promise<CancellationReason[] | null> {
  for (let attempt = 1; ; attempt++) {
    const reasons = await transactWrite(actions);
    if (!reasons || !onlyConflicted(reasons) || attempt >= conflictAttempts) return reasons;
    await sleep(backoffDelay(attempt));
  }
}

function onlyConflicted(reasons: CancellationReason[]): boolean {
  return conflicted(reasons) && !reasons.some((reason) => reason.code === "ConditionalCheckFailed");
}

// At module scope: it needs no link, so a wrong budget fails the cold start (see conflict-retries.config.ts).
const conflictRetries = conflictRetriesConfig();

const backoffBaseMilliseconds = 20;
const backoffCapMilliseconds = 400;

/**
 * "Full jitter" exponential backoff: a uniformly random pause below a ceiling that doubles with each attempt up to a
 * cap, so writers that collided once spread out instead of colliding again in step.
 */
export function backoffDelay(attempt: number): number {
  return Math.random() * Math.min(backoffCapMilliseconds, backoffBaseMilliseconds * 2 ** attempt);
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Runs a read-check-write step, and runs it again from its read, after a backoff pause, whenever it lost a race
 * (another request changed the same records between its read and its write), until the time budget is spent; then
 * the last ConcurrentModificationError reaches the caller. The step checks its preconditions on what it reads, so a
 * caller who pinned a version with If-Match gets that check's answer (412) on the fresh record, never a 409 for a
 * version that merely moved on; a pure transaction conflict at an unchanged version is retried like any other.
 */
export async function retryingConflicts<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + conflictRetries.budgetMilliseconds;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      const pause = backoffDelay(attempt);
      if (Date.now() + pause >= deadline) throw error;
      await sleep(pause);
    }
  }
}
