import type { tagIndexedRecordTypes } from "../../declarations/events";
import { decodeCursor, encodeCursor } from "../../platform/cursor";
import type { Page } from "../../platform/schema";
import { TagPointerEntity } from "./tag-pointer.entity";

export type TagIndexedRecordType = (typeof tagIndexedRecordTypes)[number];

/** A record of the tag index: its organisation, type and id. */
export type TaggedRecord = { orgId: string; recordType: TagIndexedRecordType; recordId: string };

/** Rounds of BatchWriteItem and BatchGetItem retries for what DynamoDB left unprocessed. */
const batchAttempts = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a batch operation until DynamoDB processed all of it: ElectroDB splits a batch into requests of 25 writes (or
 * 100 reads) but hands back, not retries, what DynamoDB left unprocessed. Backs off between rounds and gives up
 * (throws) after a few, so the caller's invocation fails and is retried as a whole.
 */
export async function untilProcessed<T>(
  items: T[],
  run: (pending: T[]) => Promise<{ unprocessed: unknown[] }>,
  what: string,
): Promise<void> {
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt++) {
    pending = (await run(pending)).unprocessed as T[];
    if (pending.length > 0 && attempt >= batchAttempts) {
      throw new Error(`${pending.length} ${what} left unprocessed by DynamoDB after ${attempt} attempts.`);
    }
    if (pending.length > 0) await sleep(Math.random() * 50 * 2 ** attempt);
  }
}

/**
 * Makes the pointers of `tags` say what the record has now: a pointer for each tag in `current` (the live record's
 * tags; empty when the record is gone), none for the others. Idempotent: writing the same again changes nothing.
 */
export async function writeTagPointers(
  record: TaggedRecord,
  tags: Iterable<string>,
  current: ReadonlySet<string>,
): Promise<{ put: number; deleted: number }> {
  const puts: (TaggedRecord & { tag: string })[] = [];
  const deletes: (TaggedRecord & { tag: string })[] = [];
  for (const tag of new Set(tags)) (current.has(tag) ? puts : deletes).push({ ...record, tag });
  // Every attribute of a pointer is a key composite, so what comes back unprocessed is the whole pointer.
  await Promise.all([
    untilProcessed(puts, (pending) => TagPointerEntity.put(pending).go(), "tag pointers to put"),
    untilProcessed(deletes, (pending) => TagPointerEntity.delete(pending).go(), "tag pointers to delete"),
  ]);
  return { put: puts.length, deleted: deletes.length };
}

/** The tags a domain event's changes name, before or after: the only pointers its change can have moved. */
export function tagsNamedIn(changes: readonly { field: string; before: unknown; after: unknown }[]): string[] {
  return changes
    .filter((change) => change.field === "tags")
    .flatMap((change) => [change.before, change.after])
    .flatMap((value) => (Array.isArray(value) ? value : []))
    .filter((tag): tag is string => typeof tag === "string");
}

/** How a list reads its records of one page of pointers: one BatchGetItem, strongly consistent. */
export type LoadRecords<T> = (recordIds: string[]) => Promise<{ data: T[]; unprocessed: string[] }>;

/**
 * One page of a list narrowed to a tag alone, from the tag index: one Query of `limit` pointers, then their records
 * with one BatchGetItem, in the pointers' order. A record that is gone (trashed, merged away) or no longer has the tag
 * is a pointer the subscriber has yet to delete; it is left out, so such a page is shorter than `limit` (and only
 * then). The cursor is the pointers' position, bound to `fingerprint` like every list cursor.
 */
export async function readTagPage<T, R>(options: {
  orgId: string;
  recordType: TagIndexedRecordType;
  tag: string;
  order: "asc" | "desc";
  limit: number;
  cursor: string | undefined;
  fingerprint: string;
  load: LoadRecords<T>;
  idOf: (item: T) => string;
  tagsOf: (item: T) => readonly string[];
  map: (item: T) => R;
}): Promise<Page<R>> {
  const { orgId, recordType, tag } = options;
  const position = decodeCursor(options.cursor, options.fingerprint);
  const pointers = await TagPointerEntity.query
    .recordsByTag({ orgId, recordType, tag })
    .go({ limit: options.limit, cursor: position, order: options.order });
  const recordIds = pointers.data.map((pointer) => pointer.recordId);
  const found = new Map<string, T>();
  await untilProcessed(
    recordIds,
    async (pending) => {
      const { data, unprocessed } = await options.load(pending);
      for (const item of data) found.set(options.idOf(item), item);
      return { unprocessed };
    },
    `${recordType} records to read`,
  );
  const data = recordIds
    .map((recordId) => found.get(recordId))
    .filter((item): item is T => item !== undefined && options.tagsOf(item).includes(tag));
  return { data: data.map(options.map), nextCursor: encodeCursor(pointers.cursor, options.fingerprint) };
}
