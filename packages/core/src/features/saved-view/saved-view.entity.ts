import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * A saved view: a named filter, sort and columns of one list. In the organisation's partition, so listing the views
 * a member may see is one query (their own and the shared ones, as a filter: a member has at most a few hundred).
 */
export const SavedViewEntity = tableEntity({
  model: { service: "crm", entity: "savedView", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    viewId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    recordType: { type: ["contact", "company", "deal"] as const, required: true, readOnly: true },
    /** The filter as the canonical JSON the list's `?filter=` takes. */
    filter: { type: "string" },
    sort: { type: "string" },
    columns: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    visibility: { type: ["private", "organisation"] as const, required: true },
    ownerId: { type: "string", required: true, readOnly: true },
    version: { type: "number", required: true, default: 1 },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    savedViewsOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["viewId"] },
    },
  },
});
