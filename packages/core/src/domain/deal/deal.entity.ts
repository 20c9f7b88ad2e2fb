import { ownedRecordAttributes } from "../../platform/record-attributes";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { noCompany } from "../company/company.constants";
import { dealStatuses } from "./deal.constants";

const byCreation = globalIndex("gsi1");
const byStage = globalIndex("gsi2");
const byOwner = globalIndex("gsi3");
const byCompany = globalIndex("gsi4");
const byStatus = globalIndex("gsi5");

/** The close-date key of deals without an expected close date: after every real date, so they list last. */
export const noCloseDate = "9999-12-31";

export const DealEntity = tableEntity({
  model: { service: "crm", entity: "deal", version: "1" },
  attributes: {
    ...ownedRecordAttributes,
    orgId: { type: "string", required: true, readOnly: true },
    dealId: { type: "string", required: true, readOnly: true },
    title: { type: "string", required: true },
    /** In minor units of `currency` (cents for EUR), so sums are exact. */
    amount: { type: "number", required: true },
    currency: { type: "string", required: true },
    pipelineId: { type: "string", required: true },
    stageId: { type: "string", required: true },
    /** Follows the kind of the stage the deal is in. */
    status: { type: dealStatuses, required: true },
    lostReason: { type: "string" },
    expectedCloseDate: { type: "string" },
    /** `expectedCloseDate` or `noCloseDate`: the sort key of dealsByStatus. */
    closeKey: { type: "string", required: true, hidden: true },
    companyId: { type: "string" },
    /** `companyId` or the shared "none" sentinel that keeps dealsByCompany sparse. */
    companyKey: { type: "string", required: true, hidden: true },
    contactIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    stageEnteredAt: { type: "string", required: true },
    lastActivityAt: { type: "string" },
    /** The later of the last activity and the last stage change: rotting is measured from it. */
    touchedAt: { type: "string", required: true },
    closedAt: { type: "string" },
  },
  indexes: {
    deal: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "dealId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    dealsByCreation: {
      index: byCreation.index,
      pk: { field: byCreation.pk, composite: ["orgId"] },
      sk: { field: byCreation.sk, composite: ["dealId"] },
    },
    /** A pipeline's deals by stage, least recently touched first: the board columns and the rotting list. */
    dealsByStage: {
      index: byStage.index,
      pk: { field: byStage.pk, composite: ["orgId", "pipelineId"] },
      sk: { field: byStage.sk, composite: ["stageId", "touchedAt", "dealId"] },
    },
    dealsByOwner: {
      index: byOwner.index,
      pk: { field: byOwner.pk, composite: ["orgId", "ownerId"] },
      sk: { field: byOwner.sk, composite: ["dealId"] },
    },
    dealsByCompany: {
      index: byCompany.index,
      condition: (attributes) => attributes.companyKey !== noCompany,
      pk: { field: byCompany.pk, composite: ["orgId", "companyKey"] },
      sk: { field: byCompany.sk, composite: ["dealId"] },
    },
    /** Deals of a status by expected close date (open deals closing this month). */
    dealsByStatus: {
      index: byStatus.index,
      pk: { field: byStatus.pk, composite: ["orgId", "status"] },
      sk: { field: byStatus.sk, composite: ["closeKey", "dealId"] },
    },
  },
});
