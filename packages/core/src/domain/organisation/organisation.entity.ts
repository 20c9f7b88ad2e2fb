import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

export const OrganisationEntity = tableEntity({
  model: { service: "crm", entity: "organisation", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    /** Kept exact in the same transactions that add, promote, demote or remove admins. */
    adminCount: { type: "number", required: true, default: 0 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    organisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
