import { inTransaction } from "../../platform/table";
import type { MergeableRecordType } from "./duplicates.constants";
import { RecordMergedError } from "./merge.errors";
import { MergedRecordEntity } from "./merged-record.entity";

/**
 * Throws `RecordMergedError` when `recordId` was merged away: marked on the record while its merge runs
 * (`mergedInto`), or recorded once the record has left. For loaders, on their not-found path and on every item.
 */
export async function assertNotMerged(
  orgId: string,
  recordType: MergeableRecordType,
  recordId: string,
  item: { mergedInto?: string } | null,
): Promise<void> {
  if (item?.mergedInto) throw new RecordMergedError(recordType, recordId, item.mergedInto);
  if (item) return;
  const { data } = await MergedRecordEntity.get({ orgId, recordId }).go({ consistent: true });
  if (data) throw new RecordMergedError(recordType, recordId, data.survivorId);
}

/** The action that records where a merged record went, as it leaves the table. */
export function mergedRecordAction(
  orgId: string,
  record: { type: MergeableRecordType; id: string },
  survivorId: string,
  at: string,
) {
  return inTransaction(MergedRecordEntity)
    .put({ orgId, recordId: record.id, recordType: record.type, survivorId, mergedAt: at })
    .commit();
}

/** The action that forgets where a record went, as it is restored (nothing to delete for a plain deletion). */
export function forgetMergedRecordAction(orgId: string, recordId: string) {
  return inTransaction(MergedRecordEntity).delete({ orgId, recordId }).commit();
}
