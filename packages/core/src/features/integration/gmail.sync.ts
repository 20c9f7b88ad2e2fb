import type { ConnectionItem } from "./connection.queries";
import { integrationContext } from "./connection.service";
import {
  type GmailMessage,
  gmailHistory,
  gmailMessage,
  gmailProfile,
  listGmailMessages,
  StaleHistoryError,
  watchGmail,
} from "./gmail.client";
import { runSync, type SyncRunOutcome } from "./sync-runner";
import { SyncStateEntity } from "./sync-state.entity";
import { claimKeyOf, contactsWithAddresses, createSyncedActivity, type SyncOutcome } from "./synced-activities";

export const gmailResource = "gmail.messages";
/** How far back the first sync looks, and how many messages it reads at most. */
export const initialSyncDays = 90;
const initialSyncMaxMessages = 2_000;

/** The connection as the Gmail client addresses it. */
const on = (connection: ConnectionItem) => ({
  keys: { orgId: connection.orgId, connectionId: connection.connectionId },
});

const addressPattern = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+\.[^\s<>,;:"()[\]]+/g;

function header(message: GmailMessage, name: string): string | undefined {
  return message.payload?.headers?.find((each) => each.name.toLowerCase() === name.toLowerCase())?.value;
}

/** Every address in the message's From, To and Cc. */
export function addressesOf(message: GmailMessage): string[] {
  return ["From", "To", "Cc"].flatMap((name) => header(message, name)?.match(addressPattern) ?? []);
}

/**
 * One message, as an email activity on the timelines of the contacts it was exchanged with (and their companies),
 * once: the claim is the RFC 5322 Message-ID, the same in every mailbox that holds the message, so the copy in a
 * second member's mailbox is the same activity. Messages with no contact among their addresses are not stored.
 */
async function recordMessage(connection: ConnectionItem, message: GmailMessage): Promise<SyncOutcome> {
  const { contactIds, companyIds } = await contactsWithAddresses(connection.orgId, addressesOf(message));
  if (contactIds.length === 0) return "unmatched";
  const messageId = header(message, "Message-ID")?.trim().replace(/^<|>$/g, "").toLowerCase();
  const claimKey = claimKeyOf(messageId ? `rfc822:${messageId}` : `gmail:${connection.accountId}:${message.id}`);
  const internalDate = Number(message.internalDate);
  return createSyncedActivity(
    integrationContext(connection, `integration:gmail:${connection.connectionId}:${message.id}`),
    { kind: "synced-email", key: claimKey },
    {
      type: "email",
      subject: header(message, "Subject")?.trim().slice(0, 200) || "(no subject)",
      ...(Number.isFinite(internalDate) && internalDate > 0
        ? { occurredAt: new Date(internalDate).toISOString() }
        : {}),
      contactIds,
      companyIds,
    },
  );
}

async function recordMessages(connection: ConnectionItem, ids: Iterable<string>): Promise<number> {
  let created = 0;
  for (const id of ids) {
    const message = await gmailMessage(on(connection), id);
    if (message && (await recordMessage(connection, message)) === "created") created++;
  }
  return created;
}

/**
 * The first sync: the last 90 days, newest first, paged. The cursor is the history id from before the listing, so
 * whatever arrives meanwhile is picked up by the next incremental run (and the claims drop what both see).
 */
async function initialSync(connection: ConnectionItem) {
  const { historyId } = await gmailProfile(on(connection));
  const cutoff = Date.now() - initialSyncDays * 86_400_000;
  let created = 0;
  let read = 0;
  let pageToken: string | undefined;
  do {
    const page = await listGmailMessages(on(connection), pageToken);
    for (const { id } of page.messages ?? []) {
      const message = await gmailMessage(on(connection), id);
      read++;
      if (!message) continue;
      if (Number(message.internalDate) < cutoff) return { cursor: historyId, itemsSynced: created };
      if ((await recordMessage(connection, message)) === "created") created++;
      if (read >= initialSyncMaxMessages) return { cursor: historyId, itemsSynced: created };
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { cursor: historyId, itemsSynced: created };
}

/** The changes since the stored history id, paged; the last page's history id is the next cursor. */
async function incrementalSync(connection: ConnectionItem, startHistoryId: string) {
  let pageToken: string | undefined;
  let cursor = startHistoryId;
  const added = new Set<string>();
  do {
    const page = await gmailHistory(on(connection), startHistoryId, pageToken);
    for (const change of page.history ?? []) {
      for (const { message } of change.messagesAdded ?? []) added.add(message.id);
    }
    cursor = page.historyId;
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { cursor, itemsSynced: await recordMessages(connection, added) };
}

/** A watch this close to its end is renewed (Gmail's last 7 days; Google asks for a renewal every day). */
const watchRenewalMargin = 6 * 86_400_000;

/**
 * Makes sure Gmail publishes the mailbox's changes to our Pub/Sub topic: renewed when it has less than six of its
 * seven days left, so the daily job renews it each day.
 */
export async function renewGmailWatch(connection: ConnectionItem, force = false): Promise<boolean> {
  const keys = { orgId: connection.orgId, connectionId: connection.connectionId, resource: gmailResource };
  const { data: state } = await SyncStateEntity.get(keys).go({ consistent: true });
  if (!state) return false; // not synced yet: the first sync arms the watch
  if (!force && state.watchExpiresAt && Date.parse(state.watchExpiresAt) - Date.now() > watchRenewalMargin) {
    return false;
  }
  const watch = await watchGmail(on(connection));
  await SyncStateEntity.patch(keys)
    .set({ watchExpiresAt: new Date(watch.expiration).toISOString(), updatedAt: new Date().toISOString() })
    .go();
  return true;
}

/**
 * Syncs a Gmail connection: incrementally from the stored history id, or from scratch the first time and whenever
 * Gmail no longer has that history (its 404), without duplicating what an earlier run created. A synced mailbox
 * without a live watch gets one, so pushes start after the first sync.
 */
export async function syncGmail(connection: ConnectionItem): Promise<SyncRunOutcome> {
  const outcome = await runSync(connection, gmailResource, async (cursor) => {
    if (!cursor) return initialSync(connection);
    try {
      return await incrementalSync(connection, cursor);
    } catch (error) {
      if (error instanceof StaleHistoryError) return initialSync(connection);
      throw error;
    }
  });
  if (outcome === "synced") await renewGmailWatch(connection).catch(() => false); // the daily job tries again
  return outcome;
}
