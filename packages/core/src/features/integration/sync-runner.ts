import type { EntityItem } from "electrodb";
import type { ConnectionItem } from "./connection.queries";
import { announceConnectionTrouble } from "./connection.service";
import { ProviderOutageError, ProviderRateLimitedError } from "./provider-calls";
import { SyncStateEntity } from "./sync-state.entity";
import { ConnectionNeedsReauthError } from "./token-refresh";

type SyncStateItem = EntityItem<typeof SyncStateEntity>;

/** Failed runs in a row after which the owner hears of it (`integration.sync_failed`), once per outage. */
export const failuresBeforeAlarm = 3;

/** How one run of one resource's sync ended. */
export type SyncRunOutcome = "synced" | "deferred" | "skipped" | "needs_reauth" | "failed";

/** What a sync does from a cursor: the cursor to continue from next time, and how many records it wrote. */
export type SyncStep = (cursor: string | undefined) => Promise<{ cursor: string; itemsSynced: number }>;

async function stateOf(connection: ConnectionItem, resource: string): Promise<SyncStateItem | undefined> {
  const { data } = await SyncStateEntity.get({
    orgId: connection.orgId,
    connectionId: connection.connectionId,
    resource,
  }).go({ consistent: true });
  return data ?? undefined;
}

/**
 * Runs one resource's sync for a connection and keeps its state: the cursor and counts on success; on a rate
 * limit or an outage the work is deferred (the cursor stays, so the next run catches up where this one stopped);
 * repeated failures raise `integration.sync_failed` once. A connection that needs re-authorisation is skipped.
 */
export async function runSync(connection: ConnectionItem, resource: string, sync: SyncStep): Promise<SyncRunOutcome> {
  if (connection.status !== "active") return "skipped";
  const keys = { orgId: connection.orgId, connectionId: connection.connectionId, resource };
  const state = await stateOf(connection, resource);
  if (state?.deferredUntil && Date.parse(state.deferredUntil) > Date.now()) return "skipped";
  const attemptAt = new Date().toISOString();
  try {
    const result = await sync(state?.cursor);
    await SyncStateEntity.upsert({
      ...keys,
      cursor: result.cursor,
      lastSuccessAt: new Date().toISOString(),
      lastAttemptAt: attemptAt,
      consecutiveFailures: 0,
      itemsSynced: (state?.itemsSynced ?? 0) + result.itemsSynced,
      updatedAt: new Date().toISOString(),
      ...(state?.watchId ? { watchId: state.watchId } : {}),
      ...(state?.watchResourceId ? { watchResourceId: state.watchResourceId } : {}),
      ...(state?.sealedWatchToken ? { sealedWatchToken: state.sealedWatchToken } : {}),
      ...(state?.watchExpiresAt ? { watchExpiresAt: state.watchExpiresAt } : {}),
    }).go();
    return "synced";
  } catch (error) {
    if (error instanceof ConnectionNeedsReauthError) return "needs_reauth";
    const rateLimited = error instanceof ProviderRateLimitedError;
    const deferred = rateLimited || error instanceof ProviderOutageError;
    // A rate limit is backpressure: it postpones the work but is not a failure of the sync.
    const failures = (state?.consecutiveFailures ?? 0) + (rateLimited ? 0 : 1);
    const waitSeconds = deferred ? (error as ProviderRateLimitedError | ProviderOutageError).retryAfterSeconds : 0;
    const message = (error as Error).message.slice(0, 500);
    await SyncStateEntity.patch(keys)
      .set({
        lastAttemptAt: attemptAt,
        lastError: message,
        consecutiveFailures: failures,
        updatedAt: new Date().toISOString(),
        ...(waitSeconds > 0 ? { deferredUntil: new Date(Date.now() + waitSeconds * 1000).toISOString() } : {}),
      })
      .go()
      .catch(() =>
        SyncStateEntity.create({
          ...keys,
          lastAttemptAt: attemptAt,
          lastError: message,
          consecutiveFailures: failures,
          updatedAt: new Date().toISOString(),
          ...(waitSeconds > 0 ? { deferredUntil: new Date(Date.now() + waitSeconds * 1000).toISOString() } : {}),
        }).go(),
      );
    if (!rateLimited && failures === failuresBeforeAlarm) {
      await announceConnectionTrouble(connection, {
        kind: "sync_failed",
        title: `Syncing ${connection.accountName} keeps failing`,
        message: `${resource}: ${message}`,
        requestId: `integration:sync_failed:${connection.connectionId}:${resource}:${attemptAt}`,
      });
    }
    if (deferred) return "deferred";
    throw error;
  }
}
