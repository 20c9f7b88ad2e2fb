import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { type TrashableType, trashRetentionDays } from "./trash.constants";
import { TrashedRecordEntity } from "./trashed-record.entity";

/** The transaction action that keeps a record being deleted in the trash for 30 days. */
export function moveToTrashAction(
  context: TenantContext,
  record: { type: TrashableType; id: string; label: string; snapshot: unknown },
  deletedAt: string,
) {
  return inTransaction(TrashedRecordEntity)
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
export function takeFromTrashAction(orgId: string, recordId: string) {
  return inTransaction(TrashedRecordEntity)
    .delete({ orgId, recordId })
    .where((attributes, { exists }) => exists(attributes.recordId))
    .commit();
}
