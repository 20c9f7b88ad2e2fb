import { monotonicFactory } from "ulid";
import { queryFingerprint } from "../../platform/cursor";
import { readPage } from "../../platform/paging";
import type { Page } from "../../platform/schema";
import type { IntegrationLogEntry } from "./connection.schema";
import { IntegrationLogEntity, integrationLogRetentionDays } from "./integration-log.entity";

const nextUlid = monotonicFactory();

export type ConnectionKeys = { orgId: string; connectionId: string };

/** What one call or notification was, for the connection's log. Never a token, never a body. */
export type CallRecord = {
  operation: string;
  status: number;
  latencyMs: number;
  attempt: number;
  providerRequestId?: string;
  errorClass?: string;
  direction?: "outgoing" | "incoming";
};

/**
 * Appends to a connection's log. Logging must never break the sync it describes, so a failed write is swallowed
 * (and is visible as a gap, not as a failed sync).
 */
export async function recordCall(keys: ConnectionKeys, call: CallRecord): Promise<void> {
  const at = new Date();
  try {
    await IntegrationLogEntity.create({
      orgId: keys.orgId,
      connectionId: keys.connectionId,
      entryId: `log_${nextUlid().toLowerCase()}`,
      direction: call.direction ?? "outgoing",
      operation: call.operation,
      status: call.status,
      latencyMs: Math.max(0, Math.round(call.latencyMs)),
      attempt: call.attempt,
      ...(call.providerRequestId ? { providerRequestId: call.providerRequestId.slice(0, 200) } : {}),
      ...(call.errorClass ? { errorClass: call.errorClass } : {}),
      at: at.toISOString(),
      expiresAt: Math.floor(at.getTime() / 1000) + integrationLogRetentionDays * 86_400,
    }).go();
  } catch {
    // See above: the log is best effort.
  }
}

/** A connection's log, newest first; entries past their 30 days are skipped even before DynamoDB's TTL removes them. */
export async function readIntegrationLog(
  keys: ConnectionKeys,
  options: { limit: number; cursor?: string },
): Promise<Page<IntegrationLogEntry>> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return readPage(
    ({ limit, cursor }) =>
      IntegrationLogEntity.query
        .entry(keys)
        .where(({ expiresAt }, { gt }) => gt(expiresAt, nowSeconds))
        .go({ limit, cursor, order: "desc" }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "integration-log", ...keys }),
      filtered: true,
      map: (item) => ({
        id: item.entryId,
        direction: item.direction,
        operation: item.operation,
        status: item.status,
        latencyMs: item.latencyMs,
        attempt: item.attempt,
        ...(item.providerRequestId ? { providerRequestId: item.providerRequestId } : {}),
        ...(item.errorClass ? { errorClass: item.errorClass } : {}),
        at: item.at,
      }),
    },
  );
}
