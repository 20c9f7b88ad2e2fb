import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { customFieldRecordTypes, customFieldTypes } from "./custom-field.constants";

const deletionQueue = globalIndex("gsi4");

/**
 * A custom field's definition. Every definition of an organisation is in its partition, keyed by id: a write path
 * reads the ones it needs with one consistent Query (at most 400 small items), never one GetItem per key.
 */
export const CustomFieldEntity = tableEntity({
  model: { service: "crm", entity: "customField", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    fieldId: { type: "string", required: true, readOnly: true },
    recordType: { type: customFieldRecordTypes, required: true, readOnly: true },
    key: { type: "string", required: true, readOnly: true },
    label: { type: "string", required: true },
    description: { type: "string" },
    type: { type: customFieldTypes, required: true, readOnly: true },
    required: { type: "boolean", required: true, default: false },
    archived: { type: "boolean", required: true, default: false },
    /** A select's options; an option is archived, never removed, because records may hold its id. */
    options: {
      type: "list",
      required: true,
      default: () => [],
      items: {
        type: "map",
        properties: {
          id: { type: "string", required: true },
          label: { type: "string", required: true },
          archived: { type: "boolean", required: true },
        },
      },
    },
    /** A currency field's pinned ISO 4217 code; absent: any currency. */
    currency: { type: "string", readOnly: true },
    /** `deleting`: hidden everywhere, its key still reserved, until the background step has removed its values. */
    status: { type: ["active", "deleting"] as const, required: true, default: "active" },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    customFieldsOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["fieldId"] },
    },
  },
});

/**
 * Reserves a key per organisation and record type: created in the definition's transaction, deleted with the
 * definition once its values are gone, so two concurrent creates of one key cannot both succeed.
 */
export const CustomFieldKeyEntity = tableEntity({
  model: { service: "crm", entity: "customFieldKey", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordType: { type: customFieldRecordTypes, required: true, readOnly: true },
    /** Lower-cased in the key: `renewalDate` and `renewaldate` cannot both exist, as they would confuse people. */
    key: { type: "string", required: true, readOnly: true },
    fieldId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    customFieldKey: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordType", "key"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});

/**
 * A deleted field whose values are still on records: written in the transaction that marks the field `deleting`,
 * read by the cleanup job from one queue partition shared by every organisation (gsi4, like the file purges), and
 * deleted with the definition and its key once the values are gone.
 */
export const CustomFieldDeletionEntity = tableEntity({
  model: { service: "crm", entity: "customFieldDeletion", version: "1" },
  attributes: {
    queue: { type: ["customFieldDeletion"] as const, required: true, readOnly: true, default: "customFieldDeletion" },
    orgId: { type: "string", required: true, readOnly: true },
    fieldId: { type: "string", required: true, readOnly: true },
    recordType: { type: customFieldRecordTypes, required: true, readOnly: true },
    key: { type: "string", required: true, readOnly: true },
    requestedAt: { type: "string", required: true, readOnly: true },
    /** Where the cleanup stopped in the record type's list (a record type and ElectroDB cursor), to go on from. */
    cursor: { type: "string" },
  },
  indexes: {
    customFieldDeletion: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "fieldId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    pendingDeletions: {
      index: deletionQueue.index,
      pk: { field: deletionQueue.pk, composite: ["queue"] },
      sk: { field: deletionQueue.sk, composite: ["requestedAt", "fieldId"] },
    },
  },
});
