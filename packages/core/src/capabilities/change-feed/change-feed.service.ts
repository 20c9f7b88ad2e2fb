import { createConversions } from "electrodb";
import { changeSet } from "../../platform/change-set";
import { changeFeedConfig } from "../../platform/config/change-feed.config";
import { decodeCursor, encodeCursor, queryFingerprint } from "../../platform/cursor";
import { InvalidCursorError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import type { DomainEvent } from "../events/domain-event.schema";
import { changeFeedRetentionMilliseconds } from "./change-feed.constants";
import { CursorExpiredError } from "./change-feed.errors";
import { boundaryAt, boundaryBefore, millisecondsOf, nextPosition } from "./change-feed.position";
import type { ChangeFeedPage, ChangeFeedQuery } from "./change-feed.schema";
import { ChangeFeedEntryEntity } from "./change-feed-entry.entity";
import { ChangeFeedReceiptEntity } from "./change-feed-receipt.entity";

// At module scope: it needs no link, so a wrong CHANGE_FEED_SETTLE_MS fails the cold start.
const { settleMilliseconds } = changeFeedConfig();

let conversions: ReturnType<typeof createConversions<string, string, string, never>> | undefined;
/** ElectroDB's key conversions of the feed's entries, made on first use (making them builds the entity). */
const feedConversions = () => {
  conversions ??= createConversions(ChangeFeedEntryEntity as never);
  return conversions;
};

/** A transaction holds at most 100 actions: an event's entry and its receipt are two. */
const eventsPerTransaction = 50;

/**
 * Stores domain events in their organisations' change feeds, in the order given (the stream's), each at a new
 * position after every one this container gave out before. Idempotent: an event whose receipt exists (a stream
 * record delivered again) is left where it was stored first. Throws when the table does not take them, so the
 * stream redelivers.
 */
export async function storeInChangeFeed(events: DomainEvent[]): Promise<void> {
  const unique = [...new Map(events.map((event) => [event.id, event])).values()];
  for (let start = 0; start < unique.length; start += eventsPerTransaction) {
    let pending = unique.slice(start, start + eventsPerTransaction);
    while (pending.length > 0) {
      const outcome = await feedWrites(pending).attempt();
      if (outcome.committed) break;
      // Only receipts have conditions that can fail; an event already stored needs nothing more.
      if (outcome.refused.size === 0) throw new Error("The change feed's transaction was canceled; retry.");
      pending = pending.filter((event) => !outcome.refused.has(receiptLabel(event)));
    }
  }
}

const receiptLabel = (event: DomainEvent) => `receipt of ${event.id}`;

/** An entry and a receipt per event, positioned now: as late as possible before the write, for the settle window. */
function feedWrites(events: DomainEvent[]) {
  const writes = changeSet();
  for (const event of events) {
    const position = nextPosition(event.id);
    const expiresAt = Math.floor(((millisecondsOf(position) ?? Date.now()) + changeFeedRetentionMilliseconds) / 1000);
    const { orgId, id: eventId } = event;
    writes
      .add(
        receiptLabel(event),
        inTransaction(ChangeFeedReceiptEntity).create({ orgId, eventId, position, expiresAt }).commit(),
      )
      .add(
        `entry of ${event.id}`,
        inTransaction(ChangeFeedEntryEntity)
          .create({ orgId, position, eventId, eventType: event.type, event: JSON.stringify(event), expiresAt })
          .commit(),
      );
  }
  return writes;
}

/**
 * A page of the organisation's change feed after the cursor, oldest first; one query. It stops at the settled head
 * (the present minus the settle window), so a position still being written is never passed. The cursor is the last
 * position read, or the head when the page reached it, also on an empty page.
 */
export async function readChangeFeed(context: TenantContext, query: ChangeFeedQuery): Promise<ChangeFeedPage> {
  const { orgId } = context;
  const fingerprint = queryFingerprint({ list: "events", orgId });
  const cursorOf = (position: string) => encodeCursor(position, fingerprint) as string;
  const now = Date.now();
  const after = afterPosition(query.after, fingerprint);
  const afterMilliseconds = after === null ? null : millisecondsOf(after);
  if (afterMilliseconds !== null && afterMilliseconds < now - changeFeedRetentionMilliseconds) {
    throw new CursorExpiredError();
  }
  const from = after ?? boundaryBefore(now - changeFeedRetentionMilliseconds);
  const head = boundaryAt(now - settleMilliseconds);
  // A cursor from a container whose clock ran a little ahead: nothing is settled after it yet.
  if (from >= head) return { data: [], nextCursor: cursorOf(from), hasMore: false };

  const range = ChangeFeedEntryEntity.query
    .feedOfOrganisation({ orgId })
    .between({ position: from }, { position: head });
  const types = query.types;
  const selected = types
    ? range.where((attributes, { eq }) => types.map((type) => eq(attributes.eventType, type)).join(" OR "))
    : range;
  const result = await selected.go({
    limit: query.limit,
    // Exclusive: the page starts after the cursor's position (a boundary is no item, so excluding it skips nothing).
    cursor: feedConversions().fromComposite.toCursor({ orgId, position: from } as never),
  });
  const data = result.data.map((entry) => JSON.parse(entry.event) as DomainEvent);
  if (result.cursor === null) return { data, nextCursor: cursorOf(head), hasMore: false };
  const { position } = feedConversions().fromCursor.toComposite<{ position?: string }>(result.cursor);
  return { data, nextCursor: cursorOf(position ?? head), hasMore: true };
}

/** The position a cursor of this organisation's feed holds; InvalidCursorError on `query.after` otherwise. */
function afterPosition(cursor: string | undefined, fingerprint: string): string | null {
  let position: string | null;
  try {
    position = decodeCursor(cursor, fingerprint);
  } catch (error) {
    throw new InvalidCursorError({ cause: error, field: "query.after" });
  }
  if (position !== null && millisecondsOf(position) === null) throw new InvalidCursorError({ field: "query.after" });
  return position;
}
