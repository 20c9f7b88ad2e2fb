import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { matchKeyKinds, mergeableRecordTypes } from "./duplicates.constants";

const byOrganisation = globalIndex("gsi1");

/**
 * One normalised value that records are matched on (an email, phone digits, a name at a company, a domain), with
 * every record of the organisation that has it. Kept in each record's own transaction, so a record's candidates are
 * one GetItem per key and the organisation's are one query; the `version` condition makes two records that gain the
 * same key at once conflict instead of one overwriting the other's id. Only keys held by two or more records are on
 * the organisation's list (`listing: "group"`): `listing` is a key composite, so a patch that changes it always
 * moves the index entry.
 */
export const MatchKeyEntity = tableEntity({
  model: { service: "crm", entity: "matchKey", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordType: { type: mergeableRecordTypes, required: true, readOnly: true },
    kind: { type: matchKeyKinds, required: true, readOnly: true },
    value: { type: "string", required: true, readOnly: true },
    /** The records holding the value, oldest holder first. */
    recordIds: { type: "list", items: { type: "string" }, required: true },
    listing: { type: ["group", "single"] as const, required: true },
    version: { type: "number", required: true },
  },
  indexes: {
    matchKey: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordType", "kind", "value"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    duplicateGroupsOfOrganisation: {
      index: byOrganisation.index,
      condition: (attributes) => attributes.listing === "group",
      pk: { field: byOrganisation.pk, composite: ["orgId", "recordType", "listing"] },
      sk: { field: byOrganisation.sk, composite: ["kind", "value"] },
    },
  },
});
