import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { trashableTypes } from "./trash.constants";

const byOrganisation = globalIndex("gsi1");

/**
 * A deleted contact, company or deal, restorable for 30 days: the record as it was, with the links it had. The
 * record itself leaves every list, index and search at deletion, so nothing has to filter deleted records out.
 * A file deleted on its own is here too, for the trash list; its item stays in place, hidden by its `deletedAt`.
 * The item expires through the table's TTL; since TTL deletion lags, readers also check `expiresAt`.
 */
export const TrashedRecordEntity = tableEntity({
  model: { service: "crm", entity: "trashedRecord", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    recordType: { type: trashableTypes, required: true, readOnly: true },
    /** Display name, so the trash list needs no second read. */
    label: { type: "string", required: true, readOnly: true },
    /** The stored item at deletion (version, timestamps, links), from which a restore rebuilds it. */
    snapshot: { type: "any", required: true, readOnly: true },
    deletedAt: { type: "string", required: true, readOnly: true },
    deletedBy: { type: "string", required: true, readOnly: true },
    /** Epoch seconds; the table's TTL attribute. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    trashedRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    trashOfOrganisation: {
      index: byOrganisation.index,
      pk: { field: byOrganisation.pk, composite: ["orgId"] },
      sk: { field: byOrganisation.sk, composite: ["deletedAt", "recordId"] },
    },
  },
});
