import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { auditActions, auditedRecordTypes } from "./audit.constants";

const byOrganisation = globalIndex("gsi1");

/**
 * One entry in a record's history, newest first in the record's own partition, so a record's timeline (its changes
 * and its activities) is one query per page.
 * - A change entry records who changed what, when, in which request, field by field. It is written in the same
 *   transaction as the change, so the audit log can neither miss a change nor record one that did not happen.
 * - An activity entry carries a summary of an activity linked to the record; the activity's writes keep it current.
 *   It is not an audit entry, so it stays out of the organisation's audit index.
 */
export const AuditEntryEntity = tableEntity({
  model: { service: "crm", entity: "auditEntry", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    /** ULID-based for changes; the activity's id for activity entries, so the activity can find its entries. */
    entryId: { type: "string", required: true, readOnly: true },
    recordType: { type: auditedRecordTypes, required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    action: { type: auditActions, required: true, readOnly: true },
    actorId: { type: "string", required: true },
    requestId: { type: "string", required: true },
    /** When it happened: the change's time, or the activity's occurrence or due time. Timelines sort by it. */
    at: { type: "string", required: true, readOnly: true },
    changes: { type: "any", required: true, default: () => [] },
    activity: { type: "any" },
  },
  indexes: {
    historyOfRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: ["at", "entryId"] },
    },
    auditOfOrganisation: {
      index: byOrganisation.index,
      condition: (attributes) => attributes.action !== "activity",
      pk: { field: byOrganisation.pk, composite: ["orgId"] },
      sk: { field: byOrganisation.sk, composite: ["entryId"] },
    },
  },
});
