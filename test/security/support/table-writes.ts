import { onDatabaseClient } from "@crm/core/platform";

/** One item write the table accepted: the command, the entity ElectroDB stamped on it, and its input. */
export type TableWrite = { command: string; entity: string | undefined; input: string };

const writeCommands = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|ExecuteStatement)Command$/;

/**
 * Bookkeeping that any request may write whatever its outcome: rate-limit counters (flushed in the background) and
 * Idempotency-Key claims (a failed request's claim is deleted again). Neither is the organisation's data.
 */
const bookkeepingEntities = new Set(["rateLimitCounter", "idempotencyRecord"]);

let recording: TableWrite[] | undefined;

onDatabaseClient((client) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? "";
      const result = await next(args);
      // Only what succeeded: a transaction cancelled by its reference checks wrote nothing.
      if (recording && writeCommands.test(command)) recording.push(...writesOf(command, args.input));
      return result;
    },
    { step: "initialize", name: "recordTableWrites" },
  );
});

/** Splits a command into its item writes (a transaction's condition checks write nothing). */
function writesOf(command: string, input: unknown): TableWrite[] {
  const transactItems = (input as { TransactItems?: Record<string, unknown>[] }).TransactItems;
  const steps = transactItems
    ? transactItems.filter((step) => !("ConditionCheck" in step)).map((step) => Object.values(step)[0])
    : [input];
  return steps.map((step) => ({ command, entity: entityOf(step), input: JSON.stringify(step) }));
}

/** ElectroDB stamps `__edb_e__` on every item it puts, and in the values of every update and delete it builds. */
function entityOf(step: unknown): string | undefined {
  const { Item, ExpressionAttributeValues, Key } = step as {
    Item?: Record<string, unknown>;
    ExpressionAttributeValues?: Record<string, unknown>;
    Key?: Record<string, unknown>;
  };
  const stamped = Item?.__edb_e__ ?? ExpressionAttributeValues?.[":__edb_e___u0"];
  if (typeof stamped === "string") return stamped;
  for (const value of Object.values(ExpressionAttributeValues ?? {})) {
    if (typeof value === "string" && bookkeepingEntities.has(value)) return value;
  }
  const partition = Key?.pk;
  if (typeof partition === "string") {
    if (partition.startsWith("$crm#bucket_")) return "rateLimitCounter";
    if (partition.startsWith("$crm#scope_")) return "idempotencyRecord";
  }
  return undefined;
}

/**
 * Runs `action` and returns it with the writes that succeeded while it ran that are not bookkeeping: the organisation's own data.
 * One recording at a time: the suites send their requests one after another.
 */
export async function withTableWrites<T>(action: () => Promise<T>): Promise<{ result: T; writes: TableWrite[] }> {
  if (recording) throw new Error("withTableWrites does not nest");
  recording = [];
  try {
    const result = await action();
    const writes = recording.filter((write) => !(write.entity && bookkeepingEntities.has(write.entity)));
    return { result, writes };
  } finally {
    recording = undefined;
  }
}
