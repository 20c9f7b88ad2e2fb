import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { associableTypes } from "./association.constants";

/**
 * One direction of a link between two records, stored in the partition of the record it starts from. Every link
 * is two items (A→B and B→A) written in one transaction, so both directions list with one strongly consistent
 * query and a record's partition knows everything linked to it when it is deleted.
 */
export const AssociationEntity = tableEntity({
  model: { service: "crm", entity: "association", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    recordId: { type: "string", required: true, readOnly: true },
    /** Type-prefixed id (`com_…`), so a begins-with on the sort key selects one type of related record. */
    relatedId: { type: "string", required: true, readOnly: true },
    relatedType: { type: associableTypes, required: true, readOnly: true },
    /** Contact–company links: the contact's primary company. */
    primary: { type: "boolean", required: true, default: false },
    createdAt: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    associationsOfRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "recordId"] },
      sk: { field: primaryKeyFields.sk, composite: ["relatedId"] },
    },
  },
});
