import { ownedRecordAttributes } from "../../platform/record-attributes";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { companySizes } from "./company.constants";

const byCreation = globalIndex("gsi1");
const byName = globalIndex("gsi2");
const byOwner = globalIndex("gsi3");
const byUpdate = globalIndex("gsi5");

export const CompanyEntity = tableEntity({
  model: { service: "crm", entity: "company", version: "1" },
  attributes: {
    ...ownedRecordAttributes,
    /** Set while a merge moves this company into another (the survivor): it takes no more changes. */
    mergedInto: { type: "string" },
    orgId: { type: "string", required: true, readOnly: true },
    companyId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    /** Lower-cased host name without `www.`, reserved organisation-wide by a unique-value sentinel. */
    domain: { type: "string" },
    industry: { type: "string" },
    /** When an activity linked to the company was last logged or completed. */
    lastActivityAt: { type: "string" },
    size: { type: companySizes },
    address: {
      type: "map",
      properties: {
        street: { type: "string" },
        city: { type: "string" },
        region: { type: "string" },
        postalCode: { type: "string" },
        country: { type: "string" },
      },
    },
  },
  indexes: {
    company: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "companyId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    companiesByCreation: {
      index: byCreation.index,
      pk: { field: byCreation.pk, composite: ["orgId"] },
      sk: { field: byCreation.sk, composite: ["companyId"] },
    },
    companiesByName: {
      index: byName.index,
      pk: { field: byName.pk, composite: ["orgId"] },
      sk: { field: byName.sk, composite: ["sortName", "companyId"] },
    },
    companiesByOwner: {
      index: byOwner.index,
      pk: { field: byOwner.pk, composite: ["orgId", "ownerId"] },
      sk: { field: byOwner.sk, composite: ["companyId"] },
    },
    companiesByUpdate: {
      index: byUpdate.index,
      pk: { field: byUpdate.pk, composite: ["orgId"] },
      sk: { field: byUpdate.sk, composite: ["updatedAt", "companyId"] },
    },
  },
});
