import { auditAction } from "../../capabilities/audit/audit.service";
import { open, type SealedSecret } from "../../capabilities/vault/token-vault";
import { changeSet } from "../../platform/change-set";
import { ConcurrentModificationError, ForbiddenError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { adminsOf, notifyAction } from "../notification/notification.service";
import { pushToMember } from "../realtime/realtime.service";
import { stopCalendarChannels } from "./calendar.channels";
import { ConnectionEntity } from "./connection.entity";
import { type ConnectionItem, findVisibleConnection, getConnection } from "./connection.queries";
import type { Connection, UpdateConnectionInput } from "./connection.schema";
import { stopGmailWatch } from "./gmail.client";
import { recordCall } from "./integration-log";
import { revokeToken } from "./oauth.client";
import { providerProfiles, xeroTenants } from "./providers";
import { SyncStateEntity } from "./sync-state.entity";
import { accessTokenFor } from "./token-refresh";

/** The context integration work runs in when no request started it: a named system actor of the organisation. */
export function integrationContext(connection: { orgId: string; provider: string }, requestId: string): TenantContext {
  return {
    orgId: connection.orgId,
    requestId,
    actor: {
      userId: "system",
      email: "integrations@system.invalid",
      memberId: `system:integration:${connection.provider}`,
      role: "admin",
    },
  };
}

/** Who hears about a connection's trouble: its owner, or the organisation's admins for its own connections. */
async function recipientsOf(connection: ConnectionItem): Promise<string[]> {
  return connection.ownerMemberId === "organisation" ? adminsOf(connection.orgId) : [connection.ownerMemberId];
}

/**
 * Tells the connection's owner that something needs them (stored notifications, then a real-time push) and raises
 * the domain event, all of it once: the notifications and the event's audit entry are one transaction.
 */
export async function announceConnectionTrouble(
  connection: ConnectionItem,
  trouble: { kind: "needs_reauth" | "sync_failed"; title: string; message: string; requestId: string },
): Promise<void> {
  const context = integrationContext(connection, trouble.requestId);
  const recipients = await recipientsOf(connection);
  const subject = { type: "integration", id: connection.connectionId };
  const changes = changeSet().add(
    "audit entry",
    auditAction(context, {
      recordType: "integration",
      recordId: connection.connectionId,
      action: trouble.kind,
      changes: [{ field: "status", before: null, after: trouble.kind === "needs_reauth" ? "needs_reauth" : "active" }],
    }),
  );
  for (const memberId of recipients) {
    changes.add(
      "notification",
      notifyAction({
        orgId: connection.orgId,
        memberId,
        kind: `integration.${trouble.kind}`,
        title: trouble.title,
        message: trouble.message,
        subject,
      }),
    );
  }
  await changes.commit(() => new Error("The connection's notifications could not be stored."));
  // Stored first, pushed second: a member who is offline finds it in their notifications.
  await Promise.all(
    recipients.map((memberId) =>
      pushToMember(connection.orgId, memberId, {
        type: "notification",
        notification: { title: trouble.title, message: trouble.message, subject, eventId: trouble.requestId },
      }).catch(() => undefined),
    ),
  );
}

/** What a refresh calls when the grant is gone: the owner is told to reconnect. */
export async function connectionNeedsReauth(connection: ConnectionItem, reason: string): Promise<void> {
  await announceConnectionTrouble(connection, {
    kind: "needs_reauth",
    title: `Reconnect ${connection.accountName}`,
    message: reason,
    requestId: `integration:needs_reauth:${connection.connectionId}:${connection.tokenVersion}`,
  });
}

async function stopPushes(connection: ConnectionItem): Promise<void> {
  if (connection.status !== "active") return;
  const keys = { orgId: connection.orgId, connectionId: connection.connectionId };
  if (connection.provider === "google-gmail") await stopGmailWatch({ keys });
  if (connection.provider === "google-calendar") await stopCalendarChannels(connection);
}

/**
 * Disconnects: revokes the grant at the provider, then deletes the connection with its tokens and sync state (the
 * records it synced stay). Its owner and admins may; an organisation's connection only admins.
 */
export async function disconnect(context: TenantContext, connectionId: string): Promise<void> {
  const connection = await findVisibleConnection(context, connectionId);
  const isOwner = connection.ownerMemberId === context.actor.memberId;
  if (!isOwner && context.actor.role !== "admin") {
    throw new ForbiddenError("Only the connection's owner or an admin can disconnect it.");
  }
  const keys = { orgId: context.orgId, connectionId };
  // Stop the provider's pushes while the grant still works; best effort, as they end on their own anyway.
  await stopPushes(connection).catch(() => undefined);
  const sealed = connection.sealedRefreshToken ?? connection.sealedAccessToken;
  if (sealed) {
    const started = Date.now();
    const token = await open(sealed as SealedSecret, {
      ...keys,
      token: connection.sealedRefreshToken ? "refresh" : "access",
    });
    const revoked = await revokeToken(providerProfiles[connection.provider].oauth(), token);
    await recordCall(keys, {
      operation: "oauth.revoke",
      status: revoked ? 200 : 0,
      latencyMs: Date.now() - started,
      attempt: 1,
      ...(revoked ? {} : { errorClass: "unavailable" }),
    });
  }
  const { data: syncStates } = await SyncStateEntity.query.syncState(keys).go({ pages: "all" });
  await changeSet()
    .add("connection", inTransaction(ConnectionEntity).delete(keys).commit())
    .addAll(
      syncStates.map((state) => ({
        label: "sync state",
        action: inTransaction(SyncStateEntity)
          .delete({ ...keys, resource: state.resource })
          .commit(),
      })),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "integration",
        recordId: connectionId,
        action: "disconnected",
        changes: [{ field: "status", before: connection.status, after: null }],
      }),
    )
    .commit(() => new Error("The connection changed while it was being disconnected; try again."));
}

/** The organisations a Xero connection's grant reaches, for an admin to choose from. */
export async function listConnectionTenants(
  context: TenantContext,
  connectionId: string,
): Promise<{ data: { id: string; name: string; chosen: boolean }[] }> {
  const connection = await xeroConnectionFor(context, connectionId);
  const tenants = await xeroTenants(await accessTokenFor(keysOf(connection), connectionNeedsReauth));
  return {
    data: tenants.map((tenant) => ({
      id: tenant.tenantId,
      name: tenant.tenantName,
      chosen: tenant.tenantId === connection.accountKey,
    })),
  };
}

/** Chooses the Xero organisation a connection syncs; a pending connection becomes active. Admins only. */
export async function chooseConnectionTenant(
  context: TenantContext,
  connectionId: string,
  tenantId: string,
): Promise<Connection> {
  const connection = await xeroConnectionFor(context, connectionId);
  const keys = keysOf(connection);
  const tenant = (await xeroTenants(await accessTokenFor(keys, connectionNeedsReauth))).find(
    (each) => each.tenantId === tenantId,
  );
  if (!tenant) {
    throw new ValidationError([
      { path: "body.tenantId", message: "The connection's grant does not reach this Xero organisation." },
    ]);
  }
  const at = new Date().toISOString();
  await changeSet()
    .add(
      "connection",
      inTransaction(ConnectionEntity)
        .patch(keys)
        .set({
          accountKey: tenant.tenantId,
          accountName: tenant.tenantName,
          ...(connection.status === "pending" ? { status: "active" as const } : {}),
          updatedAt: at,
          version: connection.version + 1,
        })
        .remove(connection.status === "pending" ? ["statusReason"] : [])
        .where(({ version }, { eq }) => eq(version, connection.version))
        .commit(),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "integration",
        recordId: connectionId,
        action: "connected",
        changes: [{ field: "account", before: connection.accountName, after: tenant.tenantName }],
      }),
    )
    .commit(() => new ConcurrentModificationError("connection", connectionId));
  return getConnection(context, connectionId);
}

/** Changes what an accounting connection does (whether unmatched customers become companies). Admins only. */
export async function updateConnection(
  context: TenantContext,
  connectionId: string,
  input: UpdateConnectionInput,
): Promise<Connection> {
  const connection = await findVisibleConnection(context, connectionId);
  if (context.actor.role !== "admin") throw new ForbiddenError("Only admins change the organisation's connections.");
  if (connection.provider !== "quickbooks" && connection.provider !== "xero") {
    throw new ValidationError([
      {
        path: "body.importUnmatchedCustomers",
        message: "Only accounting connections (QuickBooks, Xero) import customers.",
      },
    ]);
  }
  const before = connection.importUnmatchedCustomers ?? false;
  if (before !== input.importUnmatchedCustomers) {
    await changeSet()
      .add(
        "connection",
        inTransaction(ConnectionEntity)
          .patch(keysOf(connection))
          .set({
            importUnmatchedCustomers: input.importUnmatchedCustomers,
            updatedAt: new Date().toISOString(),
            version: connection.version + 1,
          })
          .where(({ version }, { eq }) => eq(version, connection.version))
          .commit(),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "integration",
          recordId: connectionId,
          action: "updated",
          changes: [{ field: "importUnmatchedCustomers", before, after: input.importUnmatchedCustomers }],
        }),
      )
      .commit(() => new ConcurrentModificationError("connection", connectionId));
  }
  return getConnection(context, connectionId);
}

const keysOf = (connection: ConnectionItem) => ({ orgId: connection.orgId, connectionId: connection.connectionId });

async function xeroConnectionFor(context: TenantContext, connectionId: string): Promise<ConnectionItem> {
  const connection = await findVisibleConnection(context, connectionId);
  if (context.actor.role !== "admin") throw new ForbiddenError("Only admins choose the organisation's books.");
  if (connection.provider !== "xero") {
    throw new ValidationError([{ path: "path.connectionId", message: "Only Xero connections have organisations." }]);
  }
  return connection;
}
