import type { TransactionEntities } from "../../platform/references";
import type { TenantContext } from "../../platform/request-context";
import { type TrashableType, trashRetentionDays } from "./trashed-record.entity";

/** The transaction action that keeps a record being deleted in the trash for 30 days. */
export function moveToTrashAction(
  entities: TransactionEntities,
  context: TenantContext,
  record: { type: TrashableType; id: string; label: string; snapshot: unknown },
  deletedAt: string,
) {
  return entities.trashedRecord
    .put({
      orgId: context.orgId,
      recordId: record.id,
      recordType: record.type,
      label: record.label,
      snapshot: record.snapshot,
      deletedAt,
      deletedBy: context.actor.memberId,
      expiresAt: Math.floor(Date.parse(deletedAt) / 1000) + trashRetentionDays * 86_400,
    })
    .commit();
}

/** The action that takes a record out of the trash as it is restored; it fails if it is no longer there. */
export function takeFromTrashAction(entities: TransactionEntities, orgId: string, recordId: string) {
  return entities.trashedRecord
    .delete({ orgId, recordId })
    .where((attributes, { exists }) => exists(attributes.recordId))
    .commit();
}
