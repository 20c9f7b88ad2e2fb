import { config } from "./config";
import { type Database, db } from "./database";
import { ConcurrentModificationError } from "./errors";

/** Why each action of a canceled TransactWriteItems did not apply, in the order the actions were given. */
export type CancellationReason = { code: string; item: unknown };

type TransactionOutcome = { canceled: boolean; data: ReadonlyArray<{ code?: string; item?: unknown }> };

/**
 * ElectroDB resolves, rather than throws, when a transaction is canceled. Returns null when it committed, or the
 * reasons; callers turn the failed condition at a known position into the matching domain error.
 */
export function cancellationReasons(outcome: TransactionOutcome): CancellationReason[] | null {
  if (!outcome.canceled) return null;
  return outcome.data.map((entry) => ({ code: entry.code ?? "None", item: entry.item ?? null }));
}

export function failedCondition(reasons: CancellationReason[], index: number): boolean {
  return reasons[index]?.code === "ConditionalCheckFailed";
}

/**
 * True when a single conditional write failed its condition (ElectroDB wraps the SDK's error and keeps it as
 * `cause`); callers turn that into "someone else got there first" instead of an error.
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return (error as { cause?: { name?: string } } | undefined)?.cause?.name === "ConditionalCheckFailedException";
}

/** True when DynamoDB canceled because another transaction touched the same items (safe to retry). */
export function conflicted(reasons: CancellationReason[]): boolean {
  return reasons.some((reason) => reason.code === "TransactionConflict");
}

type TransactionBuilder = Parameters<Database["transaction"]["write"]>[0];

/** Attempts before a conflicting transaction is reported as a concurrent modification. */
const conflictAttempts = 5;

/**
 * Runs a write transaction and returns its cancellation reasons (null when it committed). When DynamoDB cancels it
 * only because another transaction touched the same items at the same moment (hot counters such as stage totals),
 * it runs it again after a backoff pause, since nothing in it applied.
 */
export async function writeTransaction(build: TransactionBuilder): Promise<CancellationReason[] | null> {
  for (let attempt = 1; ; attempt++) {
    const reasons = cancellationReasons(await db().transaction.write(build).go());
    if (!reasons || !onlyConflicted(reasons) || attempt >= conflictAttempts) return reasons;
    await sleep(backoffDelay(attempt));
  }
}

function onlyConflicted(reasons: CancellationReason[]): boolean {
  return conflicted(reasons) && !reasons.some((reason) => reason.code === "ConditionalCheckFailed");
}

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
  const deadline = Date.now() + config().conflictRetryBudgetMilliseconds;
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
