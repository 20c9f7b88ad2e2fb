import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { searchableRecordTypes } from "./search.constants";

/**
 * One folded search term of one record (a name, an email, a domain, phone digits), with the record's display fields
 * so a search needs no second read. It lives on the table's primary index, not a GSI, because only the primary index
 * can be read strongly consistently: a record is findable the moment its write returns. Written and removed in the
 * record's own transaction. Within a partition (organisation and record type) items sort by term, so a `begins_with`
 * on the term returns the exact match first, then the longer terms in order.
 */
export const SearchTermEntity = tableEntity({
  model: { service: "crm", entity: "searchTerm", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordType: { type: searchableRecordTypes, required: true, readOnly: true },
    /** Folded (see `foldSearchText`): letters and digits only, so no separator can sort between prefix and term. */
    term: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    label: { type: "string", required: true },
    detail: { type: "string" },
  },
  indexes: {
    recordsByTerm: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordType"] },
      sk: { field: primaryKeyFields.sk, composite: ["term", "recordId"] },
    },
  },
});
