import { ValidationError } from "../../platform/errors";
import { fieldIssuesOf, invalidInput } from "../../platform/validation";
import type { BatchEntry } from "./batch.schema";

/** What became of one entry: the written record, or the error its own request would have failed with. */
export type BatchOutcome<T> = { index: number } & ({ ok: true; value: T } | { ok: false; error: unknown });

export type BatchPlan<E, T> = {
  /** Writes one entry through the single-record service, in that service's own transaction. */
  write: (input: E) => Promise<T>;
  /**
   * Where the service's input sits inside an entry (`changes` for updates), so that a service's `body.ownerId`
   * is reported as `body.items.3.changes.ownerId`. The entry itself when absent.
   */
  inputField?: string;
  /** A field that names the record (`id` for updates): a record may appear once; later entries naming it fail. */
  uniqueBy?: keyof E & string;
  /**
   * The items an entry's transaction touches besides its own record: unique values, the owner, the linked
   * company, hot counters. DynamoDB cancels a transaction that touches an item another transaction is using,
   * even only to check it, so entries that share a key run one after another, in the order given.
   */
  contentionKeys?: (input: E) => string[];
};

/** Entries written at the same time: quick, without piling transactions onto the same table partition. */
const parallelWrites = 8;

/**
 * Runs every entry of a batch, each in its own transaction (a batch is atomic per entry, not as a whole), at most
 * eight at a time, and returns one outcome per entry in the order given. Never throws for an entry: its error,
 * expected or not, becomes its outcome and the other entries still run.
 */
export async function runBatch<E, T>(entries: BatchEntry<E>[], plan: BatchPlan<E, T>): Promise<BatchOutcome<T>[]> {
  const outcomes: BatchOutcome<T>[] = [];
  const runnable: { index: number; input: E }[] = [];
  const firstIndexOf = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!entry.valid) {
      outcomes[index] = { index, ok: false, error: invalidInput(fieldIssuesOf(`body.items.${index}`, entry.issues)) };
      return;
    }
    const { uniqueBy } = plan;
    if (uniqueBy) {
      const key = String(entry.input[uniqueBy]);
      const first = firstIndexOf.get(key);
      if (first !== undefined) {
        const path = `body.items.${index}.${uniqueBy}`;
        const message = `Already in this batch at items.${first}; a record may appear only once.`;
        outcomes[index] = { index, ok: false, error: invalidInput([{ path, message }]) };
        return;
      }
      firstIndexOf.set(key, index);
    }
    runnable.push({ index, input: entry.input });
  });

  const lanes = lanesOf(runnable, (entry) => plan.contentionKeys?.(entry.input) ?? []);
  await inParallel(lanes, parallelWrites, async (lane) => {
    for (const { index, input } of lane) {
      try {
        outcomes[index] = { index, ok: true, value: await plan.write(input) };
      } catch (error) {
        const inputPath = ["body", "items", index, ...(plan.inputField ? [plan.inputField] : [])].join(".");
        outcomes[index] = { index, ok: false, error: locatedIn(inputPath, error) };
      }
    }
  });
  return outcomes;
}

/**
 * Groups entries that share a contention key, directly or through other entries, into lanes that keep the
 * order given; entries without a shared key get a lane of their own.
 */
function lanesOf<T>(entries: T[], keysOf: (entry: T) => string[]): T[][] {
  const leader = entries.map((_, position) => position);
  const find = (position: number): number => {
    const up = leader[position] ?? position;
    if (up === position) return position;
    const root = find(up);
    leader[position] = root;
    return root;
  };
  const firstWithKey = new Map<string, number>();
  entries.forEach((entry, position) => {
    for (const key of keysOf(entry)) {
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, position);
      else leader[find(position)] = find(first);
    }
  });
  const lanes = new Map<number, T[]>();
  entries.forEach((entry, position) => {
    const root = find(position);
    const lane = lanes.get(root);
    if (lane) lane.push(entry);
    else lanes.set(root, [entry]);
  });
  return [...lanes.values()];
}

/** Works through `tasks` with at most `limit` of them running at once. */
async function inParallel<T>(tasks: T[], limit: number, work: (task: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++] as T;
      await work(task);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/**
 * Services name fields from the body of a single-record request (`body.ownerId`); in a batch that input is one
 * entry, so the paths are rewritten to point into it (`body.items.3.ownerId`).
 */
function locatedIn(inputPath: string, error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const issues = error.issues.map((issue) => ({
    ...issue,
    path: issue.path === "body" || issue.path.startsWith("body.") ? `${inputPath}${issue.path.slice(4)}` : issue.path,
  }));
  return new ValidationError(issues, error.message, { cause: error });
}
