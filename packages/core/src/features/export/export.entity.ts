import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { exportFormats } from "./export-format";

export const exportRecordTypes = ["contact", "company", "deal"] as const;
export type ExportRecordType = (typeof exportRecordTypes)[number];
export const exportStatuses = ["running", "completed", "failed"] as const;

/** An export of a list to a file in the bucket, downloadable once completed; the file expires with the item. */
export const ExportEntity = tableEntity({
  model: { service: "crm", entity: "export", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    exportId: { type: "string", required: true, readOnly: true },
    recordType: { type: exportRecordTypes, required: true, readOnly: true },
    format: { type: exportFormats, required: true, readOnly: true },
    /** The list filters, as the list endpoint takes them (JSON). */
    filters: { type: "string", required: true, readOnly: true },
    status: { type: exportStatuses, required: true },
    rows: { type: "number" },
    bytes: { type: "number" },
    objectKey: { type: "string", required: true, readOnly: true },
    failure: { type: "string" },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    completedAt: { type: "string" },
    /** Epoch seconds: the table's TTL forgets the export a week later. */
    expiresAt: { type: "number", required: true, field: tableDefinition.ttl },
  },
  indexes: {
    export: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "exportId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
