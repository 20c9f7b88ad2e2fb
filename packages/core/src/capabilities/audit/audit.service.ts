import type { EntityItem } from "electrodb";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { newId } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import type {
  AuditEntry,
  FieldChange,
  ListAuditQuery,
  TimelineActivity,
  TimelineItem,
  TimelineQuery,
} from "./audit.schema";
import { AuditEntryEntity } from "./audit-entry.entity";

type AuditEntryItem = EntityItem<typeof AuditEntryEntity>;

/** The fields whose values differ between two versions of a record (absent and null count as the same). */
export function fieldChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  fields: readonly string[],
): FieldChange[] {
  return fields.flatMap((field) => {
    const was = before?.[field] ?? null;
    const is = after?.[field] ?? null;
    return JSON.stringify(was) === JSON.stringify(is) ? [] : [{ field, before: was, after: is }];
  });
}

/** The transaction action that records a change; put it last so the positions of the other actions stay put. */
export function auditAction(
  context: TenantContext,
  entry: {
    recordType: AuditEntryItem["recordType"];
    recordId: string;
    action: AuditEntry["action"];
    changes: FieldChange[];
  },
) {
  return inTransaction(AuditEntryEntity)
    .create({
      orgId: context.orgId,
      entryId: newId("audit"),
      actorId: context.actor.memberId,
      requestId: context.requestId,
      at: now(),
      ...entry,
    })
    .commit();
}

function toAuditEntry(item: AuditEntryItem): AuditEntry {
  return {
    id: item.entryId,
    recordType: item.recordType,
    recordId: item.recordId,
    action: item.action as AuditEntry["action"], // callers never pass activity entries
    actorId: item.actorId,
    requestId: item.requestId,
    at: item.at,
    changes: item.changes as FieldChange[],
  };
}

/** The organisation's change history, or one record's, newest first; one query per page. */
export async function listAuditEntries(context: TenantContext, query: ListAuditQuery): Promise<Page<AuditEntry>> {
  const entries = AuditEntryEntity.query;
  const { orgId } = context;
  if (!query.recordId) {
    return readPage(
      ({ limit, cursor }) => entries.auditOfOrganisation({ orgId }).go({ limit, cursor, order: "desc" }),
      {
        limit: query.limit,
        cursor: query.cursor,
        fingerprint: queryFingerprint({ list: "audit", orgId }),
        filtered: false,
        map: toAuditEntry,
      },
    );
  }
  // A record's partition also holds its timeline's activity entries, which are not audit entries.
  const changes = entries
    .historyOfRecord({ orgId, recordId: query.recordId })
    .where((attributes, { ne }) => ne(attributes.action, "activity"));
  return readPage(({ limit, cursor }) => changes.go({ limit, cursor, order: "desc" }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "audit", orgId, recordId: query.recordId }),
    filtered: true,
    map: toAuditEntry,
  });
}

/** A record's timeline: its changes and the activities linked to it, newest first; one query per page. */
export async function listTimeline(
  context: TenantContext,
  recordId: string,
  query: TimelineQuery,
): Promise<Page<TimelineItem>> {
  const { orgId } = context;
  const history = AuditEntryEntity.query.historyOfRecord({ orgId, recordId });
  const only = query.kind;
  const selected =
    only === undefined
      ? history
      : history.where((attributes, { eq, ne }) =>
          only === "activity" ? eq(attributes.action, "activity") : ne(attributes.action, "activity"),
        );
  return readPage(({ limit, cursor }) => selected.go({ limit, cursor, order: "desc" }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "timeline", orgId, recordId, only }),
    filtered: only !== undefined,
    map: (item): TimelineItem =>
      item.action === "activity"
        ? { kind: "activity", at: item.at, actorId: item.actorId, activity: item.activity as TimelineActivity }
        : { kind: "change", at: item.at, actorId: item.actorId, change: toAuditEntry(item) },
  });
}
