import type { EntityItem } from "electrodb";
import type { FieldChange } from "../audit/audit.schema";
import type { AuditEntryEntity } from "../audit/audit-entry.entity";
import type { DomainEvent, DomainEventType } from "./domain-event.schema";

type AuditEntryItem = EntityItem<typeof AuditEntryEntity>;

/**
 * The domain event of a committed change, from its audit entry (written in the change's own transaction, so every
 * committed change has exactly one). Timeline entries for activities are not changes and give none.
 */
export function domainEventOf(entry: AuditEntryItem): DomainEvent | null {
  if (entry.action === "activity") return null;
  const changes = entry.changes as FieldChange[];
  const completesTask =
    entry.recordType === "activity" &&
    entry.action === "updated" &&
    changes.some((change) => change.field === "done" && change.after === true && change.before !== true);
  const type = (completesTask ? "task.completed" : `${entry.recordType}.${entry.action}`) as DomainEventType;
  return {
    schemaVersion: 1,
    id: entry.entryId,
    type,
    orgId: entry.orgId,
    actor: { memberId: entry.actorId },
    record: { type: entry.recordType, id: entry.recordId },
    changes,
    occurredAt: entry.at,
    requestId: entry.requestId,
  };
}
