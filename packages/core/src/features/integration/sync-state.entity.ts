import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * Where the sync of one resource of a connection stands (Gmail messages, calendar events): the provider's cursor
 * (`historyId`, `syncToken`), the last success and failure, and what it synced. In the connection's partition.
 */
export const SyncStateEntity = tableEntity({
  model: { service: "crm", entity: "integrationSyncState", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    resource: { type: "string", required: true, readOnly: true },
    /** Opaque to us; case-sensitive, never part of a key. */
    cursor: { type: "string" },
    lastSuccessAt: { type: "string" },
    lastAttemptAt: { type: "string" },
    lastError: { type: "string" },
    /** Consecutive failed runs, so the failure event is raised once per outage rather than every minute. */
    consecutiveFailures: { type: "number", required: true, default: 0 },
    itemsSynced: { type: "number", required: true, default: 0 },
    /** When the next run may start: set when the provider asked us to wait (429, Retry-After) or the breaker opened. */
    deferredUntil: { type: "string" },
    /** Provider-side channel of push notifications (Gmail watch, Calendar channel) and when it expires. */
    watchId: { type: "string" },
    watchResourceId: { type: "string" },
    sealedWatchToken: { type: "string" },
    watchExpiresAt: { type: "string" },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    syncState: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "connectionId"] },
      sk: { field: primaryKeyFields.sk, composite: ["resource"] },
    },
  },
});
