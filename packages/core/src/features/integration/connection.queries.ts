import type { EntityItem } from "electrodb";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { ConnectionEntity } from "./connection.entity";
import type { Connection, IntegrationLogEntry, SyncState } from "./connection.schema";
import { type ConnectionKeys, readIntegrationLog } from "./integration-log";
import { SyncStateEntity } from "./sync-state.entity";

export type ConnectionItem = EntityItem<typeof ConnectionEntity>;
type SyncStateItem = EntityItem<typeof SyncStateEntity>;

function toSyncState(item: SyncStateItem): SyncState {
  return {
    resource: item.resource,
    ...(item.cursor ? { cursor: item.cursor } : {}),
    ...(item.lastSuccessAt ? { lastSuccessAt: item.lastSuccessAt } : {}),
    ...(item.lastAttemptAt ? { lastAttemptAt: item.lastAttemptAt } : {}),
    ...(item.lastError ? { lastError: item.lastError } : {}),
    consecutiveFailures: item.consecutiveFailures,
    itemsSynced: item.itemsSynced,
    ...(item.lastSuccessAt
      ? { lagSeconds: Math.max(0, Math.floor((Date.now() - Date.parse(item.lastSuccessAt)) / 1000)) }
      : {}),
    ...(item.deferredUntil && Date.parse(item.deferredUntil) > Date.now() ? { deferredUntil: item.deferredUntil } : {}),
  };
}

/** The API's view of a connection: never its tokens, its lease or its token version. */
export function toConnection(item: ConnectionItem, sync: SyncState[]): Connection {
  return {
    id: item.connectionId,
    provider: item.provider,
    owner:
      item.ownerMemberId === "organisation"
        ? { type: "organisation" }
        : { type: "member", memberId: item.ownerMemberId },
    account: { id: item.accountId, name: item.accountName },
    grantedScopes: item.grantedScopes,
    missingScopes: item.missingScopes,
    status: item.status,
    ...(item.statusReason ? { statusReason: item.statusReason } : {}),
    circuit: item.circuitState,
    sync,
    ...(item.provider === "quickbooks" || item.provider === "xero"
      ? { settings: { importUnmatchedCustomers: item.importUnmatchedCustomers ?? false } }
      : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** The sync state of every resource of one connection. */
export async function syncStatesOf(keys: ConnectionKeys): Promise<SyncState[]> {
  const { data } = await SyncStateEntity.query.syncState(keys).go({ pages: "all" });
  return data.map(toSyncState);
}

/** Admins see every connection; everyone else their own and the organisation's. */
function visibleTo(context: TenantContext, item: ConnectionItem): boolean {
  return (
    context.actor.role === "admin" ||
    item.ownerMemberId === context.actor.memberId ||
    item.ownerMemberId === "organisation"
  );
}

/** The organisation's connections the caller may see, each with its sync state. */
export async function listConnections(context: TenantContext): Promise<Connection[]> {
  const { data } = await ConnectionEntity.query.connection({ orgId: context.orgId }).go({ pages: "all" });
  const visible = data.filter((item) => visibleTo(context, item));
  return Promise.all(
    visible.map(async (item) =>
      toConnection(item, await syncStatesOf({ orgId: item.orgId, connectionId: item.connectionId })),
    ),
  );
}

/** One connection's record, if the caller may see it; a 404 otherwise, as for an id that does not exist. */
export async function findVisibleConnection(context: TenantContext, connectionId: string): Promise<ConnectionItem> {
  const { data } = await ConnectionEntity.get({ orgId: context.orgId, connectionId }).go({ consistent: true });
  if (!data || !visibleTo(context, data)) throw new NotFoundError("connection", connectionId);
  return data;
}

/** One connection with its sync state. */
export async function getConnection(context: TenantContext, connectionId: string): Promise<Connection> {
  const item = await findVisibleConnection(context, connectionId);
  return toConnection(item, await syncStatesOf({ orgId: item.orgId, connectionId }));
}

/** A connection's log, for admins and the connection's owner. */
export async function connectionLog(
  context: TenantContext,
  connectionId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<IntegrationLogEntry>> {
  const item = await findVisibleConnection(context, connectionId);
  if (context.actor.role !== "admin" && item.ownerMemberId !== context.actor.memberId) {
    throw new NotFoundError("connection", connectionId);
  }
  return readIntegrationLog({ orgId: context.orgId, connectionId }, options);
}
