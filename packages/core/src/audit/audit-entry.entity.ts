import { Entity } from "electrodb";
import { globalIndex, primaryKeyFields } from "../platform/table-keys";

const byOrganisation = globalIndex("gsi1");

export const auditedRecordTypes = ["contact", "company", "member", "deal", "pipeline"] as const;
export const auditActions = ["created", "updated", "deleted", "stage_changed"] as const;

/**
 * One change to one record: who made it, when, in which request, and each changed field's value before and after.
 * Written in the same transaction as the change itself, so the log can neither miss a change nor record one that
 * did not happen.
 */
export const AuditEntryEntity = new Entity({
  model: { service: "crm", entity: "auditEntry", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    /** ULID-based, so entries sort by time. */
    entryId: { type: "string", required: true, readOnly: true },
    recordType: { type: auditedRecordTypes, required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    action: { type: auditActions, required: true, readOnly: true },
    actorId: { type: "string", required: true, readOnly: true },
    requestId: { type: "string", required: true, readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    changes: { type: "any", required: true, readOnly: true },
  },
  indexes: {
    auditOfRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: ["entryId"] },
    },
    auditOfOrganisation: {
      index: byOrganisation.index,
      pk: { field: byOrganisation.pk, composite: ["orgId"] },
      sk: { field: byOrganisation.sk, composite: ["entryId"] },
    },
  },
});
