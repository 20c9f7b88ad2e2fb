import { roles } from "../../declarations/routes";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";

const membershipsByEmail = globalIndex("gsi4");

export const MemberEntity = tableEntity({
  model: { service: "crm", entity: "member", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    memberId: { type: "string", required: true, readOnly: true },
    /** Lower-cased; a person signs in with a token carrying this email. */
    email: { type: "string", required: true, readOnly: true },
    name: { type: "string" },
    role: { type: roles, required: true },
    /** Copied from the organisation so "my organisations" is one query with names. */
    orgName: { type: "string", required: true },
    addedBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    membersOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["memberId"] },
    },
    membershipsByEmail: {
      index: membershipsByEmail.index,
      pk: { field: membershipsByEmail.pk, composite: ["email"] },
      sk: { field: membershipsByEmail.sk, composite: ["orgId"] },
    },
  },
});
