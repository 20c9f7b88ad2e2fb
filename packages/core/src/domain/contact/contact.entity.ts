import { ownedRecordAttributes } from "../../platform/record-attributes";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { noCompany } from "../company/company.constants";

const byCreation = globalIndex("gsi1");
const byName = globalIndex("gsi2");
const byOwner = globalIndex("gsi3");
const byCompany = globalIndex("gsi4");
const byUpdate = globalIndex("gsi5");

export const ContactEntity = tableEntity({
  model: { service: "crm", entity: "contact", version: "1" },
  attributes: {
    ...ownedRecordAttributes,
    orgId: { type: "string", required: true, readOnly: true },
    contactId: { type: "string", required: true, readOnly: true },
    firstName: { type: "string" },
    lastName: { type: "string" },
    /** Lower-cased; each one is reserved organisation-wide by a unique-value sentinel. */
    emails: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    phones: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    title: { type: "string" },
    /** When an activity linked to the contact was last logged or completed. */
    lastActivityAt: { type: "string" },
    /** The primary company: the first of `companyIds`. */
    companyId: { type: "string" },
    /** Every company the contact works with, primary first; each one is also an association (both directions). */
    companyIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    /** `companyId` or `noCompany`: the key of the sparse contactsByCompany index. */
    companyKey: { type: "string", required: true, hidden: true },
    /** Set while a merge moves this contact into another (the survivor): it takes no more changes. */
    mergedInto: { type: "string" },
  },
  indexes: {
    contact: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "contactId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    contactsByCreation: {
      index: byCreation.index,
      pk: { field: byCreation.pk, composite: ["orgId"] },
      sk: { field: byCreation.sk, composite: ["contactId"] },
    },
    contactsByName: {
      index: byName.index,
      pk: { field: byName.pk, composite: ["orgId"] },
      sk: { field: byName.sk, composite: ["sortName", "contactId"] },
    },
    contactsByOwner: {
      index: byOwner.index,
      pk: { field: byOwner.pk, composite: ["orgId", "ownerId"] },
      sk: { field: byOwner.sk, composite: ["contactId"] },
    },
    contactsByCompany: {
      index: byCompany.index,
      condition: (attributes) => attributes.companyKey !== noCompany,
      pk: { field: byCompany.pk, composite: ["orgId", "companyKey"] },
      sk: { field: byCompany.sk, composite: ["contactId"] },
    },
    contactsByUpdate: {
      index: byUpdate.index,
      pk: { field: byUpdate.pk, composite: ["orgId"] },
      sk: { field: byUpdate.sk, composite: ["updatedAt", "contactId"] },
    },
  },
});
