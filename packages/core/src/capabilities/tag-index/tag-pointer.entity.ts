import { tagIndexedRecordTypes } from "../../declarations/events";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * One tag of one record: the tag index that serves `?tag=` on the contacts, companies and deals lists. A partition
 * holds one tag of one record type in one organisation, sorted by record id (a ULID, so in creation order, as the
 * lists' by-creation indexes sort), so a page of a tag is one Query however rare the tag is. Keys only: the record is
 * read by its key (BatchGetItem), so a record's ordinary update rewrites no pointer. Kept by the `tagIndex` bus
 * subscriber, not in the record's transaction (a record may have 50 tags; its transaction has no room for them), so
 * the index is eventually consistent: readers check the record still has the tag.
 */
export const TagPointerEntity = tableEntity({
  model: { service: "crm", entity: "tagPointer", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordType: { type: tagIndexedRecordTypes, required: true, readOnly: true },
    /** As stored on the record: tags are lower-cased when written. */
    tag: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    recordsByTag: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordType", "tag"] },
      sk: { field: primaryKeyFields.sk, composite: ["recordId"] },
    },
  },
});
