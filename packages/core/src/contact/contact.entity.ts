import { Entity } from "electrodb";
import { globalIndex, primaryKeyFields } from "../platform/table-keys";

const byCreation = globalIndex("gsi1");
const byName = globalIndex("gsi2");
const byOwner = globalIndex("gsi3");
const byCompany = globalIndex("gsi4");
const byUpdate = globalIndex("gsi5");

/** Written by contactsByCompany's key when a contact has no company, so that index stays sparse (see ELECTRODB P9). */
export const noCompany = "none";

export const ContactEntity = new Entity({
  model: { service: "crm", entity: "contact", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    contactId: { type: "string", required: true, readOnly: true },
    firstName: { type: "string" },
    lastName: { type: "string" },
    /** Lower-cased; each one is reserved organisation-wide by a unique-value sentinel. */
    emails: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    phones: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    title: { type: "string" },
    ownerId: { type: "string", required: true },
    companyId: { type: "string" },
    /** `companyId` or `noCompany`: the key of the sparse contactsByCompany index. */
    companyKey: { type: "string", required: true, hidden: true },
    tags: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    /** Folded "last first" name, the sort key of contactsByName. */
    sortName: { type: "string", required: true, hidden: true },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
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
