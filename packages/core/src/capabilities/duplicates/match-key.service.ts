import type { EntityItem } from "electrodb";
import { type ChangeStep, step } from "../../platform/change-set";
import { ConcurrentModificationError } from "../../platform/errors";
import { inTransaction } from "../../platform/table";
import { backoffDelay } from "../../platform/transactions";
import type { MergeableRecordType } from "./duplicates.constants";
import { MatchKeyEntity } from "./match-key.entity";
import { keyId, type MatchKey } from "./match-keys";

export type MatchKeyItem = EntityItem<typeof MatchKeyEntity>;

/**
 * Two writes gave or took the same match key at once: the one that lost retries on fresh data. A
 * ConcurrentModificationError, so `retryingConflicts` retries it and a caller that runs out of time gets a 409.
 */
export class MatchKeyRaceError extends ConcurrentModificationError {}

/** How one record's keys change in a write: `before` is null for a new record, `after` null for a removed one. */
export type MatchKeyChange = {
  recordId: string;
  before: readonly MatchKey[] | null;
  after: readonly MatchKey[] | null;
};

/**
 * The change-set steps that move match keys as records change, one action per key whatever the number of records
 * that share it (a transaction may touch an item once): each key's record list is read (strongly consistent) and
 * written back under a version condition, so a concurrent change of the same key fails the transaction with a
 * `MatchKeyRaceError` instead of losing an id. Build them inside the retried part of a write, after its reads.
 */
export async function matchKeySteps(
  orgId: string,
  recordType: MergeableRecordType,
  changes: readonly MatchKeyChange[],
): Promise<ChangeStep[]> {
  const moves = new Map<string, { key: MatchKey; added: Set<string>; removed: Set<string> }>();
  const moveOf = (key: MatchKey) => {
    const id = keyId(key);
    const move = moves.get(id) ?? { key, added: new Set<string>(), removed: new Set<string>() };
    moves.set(id, move);
    return move;
  };
  for (const change of changes) {
    const before = new Set((change.before ?? []).map(keyId));
    const after = new Set((change.after ?? []).map(keyId));
    for (const key of change.before ?? []) if (!after.has(keyId(key))) moveOf(key).removed.add(change.recordId);
    for (const key of change.after ?? []) if (!before.has(keyId(key))) moveOf(key).added.add(change.recordId);
  }
  if (moves.size === 0) return [];
  const keys = [...moves.values()].map(({ key }) => ({ orgId, recordType, kind: key.kind, value: key.value }));
  const { data: current } = await MatchKeyEntity.get(keys).go({ consistent: true });
  const currentOf = new Map(current.map((item) => [keyId(item), item]));
  return [...moves.values()].flatMap(({ key, added, removed }) => {
    const item = currentOf.get(keyId(key));
    const held = item?.recordIds ?? [];
    const recordIds = [...held.filter((id) => !removed.has(id)), ...[...added].filter((id) => !held.includes(id))];
    const keyOf = { orgId, recordType, kind: key.kind, value: key.value };
    const raced = () => new MatchKeyRaceError(`${recordType} match key`, keyId(key));
    const listing = recordIds.length > 1 ? ("group" as const) : ("single" as const);
    if (!item) {
      if (recordIds.length === 0) return [];
      return [
        step(
          "match key",
          inTransaction(MatchKeyEntity)
            .create({ ...keyOf, recordIds, listing, version: 1 })
            .commit(),
          raced,
        ),
      ];
    }
    const version = item.version;
    if (recordIds.length === 0) {
      return [
        step(
          "match key",
          inTransaction(MatchKeyEntity)
            .delete(keyOf)
            .where((attributes, { eq }) => eq(attributes.version, version))
            .commit(),
          raced,
        ),
      ];
    }
    return [
      step(
        "match key",
        inTransaction(MatchKeyEntity)
          .patch(keyOf)
          .set({ recordIds, listing, version: version + 1 })
          .where((attributes, { eq }) => eq(attributes.version, version))
          .commit(),
        raced,
      ),
    ];
  });
}

/** The match key items of `keys` that other records share, strongly consistent. */
export async function sharedMatchKeys(
  orgId: string,
  recordType: MergeableRecordType,
  recordId: string,
  keys: readonly MatchKey[],
): Promise<MatchKeyItem[]> {
  if (keys.length === 0) return [];
  const { data } = await MatchKeyEntity.get(
    keys.map((key) => ({ orgId, recordType, kind: key.kind, value: key.value })),
  ).go({ consistent: true, preserveBatchOrder: true });
  // In the record's key order (a batch read answers in any order), so the answer is stable.
  return data.flatMap((item) => (item?.recordIds.some((id) => id !== recordId) ? [item] : []));
}

/** Attempts of a write that lost match-key races before the caller gets a 409. */
const matchKeyAttempts = 5;

/**
 * Runs a write again from its reads when it lost a match-key race, and only then: for writes that are not retried
 * on every conflict (a create, whose other conflicts mean the id is taken).
 */
export async function retryingMatchKeyRaces<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof MatchKeyRaceError) || attempt >= matchKeyAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
    }
  }
}
