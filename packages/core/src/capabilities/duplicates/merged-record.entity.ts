import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { mergeableRecordTypes } from "./duplicates.constants";

/**
 * Where a merged record went: written when the merged record leaves the table, kept with no expiry (unlike its
 * trash item) so its id resolves for as long as links, bookmarks and integrations may hold it; removed when the
 * record is restored from the trash. Before that point the record itself carries `mergedInto`.
 */
export const MergedRecordEntity = tableEntity({
  model: { service: "crm", entity: "mergedRecord", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    recordType: { type: mergeableRecordTypes, required: true, readOnly: true },
    survivorId: { type: "string", required: true, readOnly: true },
    mergedAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    mergedRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
