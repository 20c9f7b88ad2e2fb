import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * The running totals of the deals in one stage and currency: how many deals and their summed value in minor units.
 * Every deal write that changes a stage, a value or a currency adjusts them with ADD in the same transaction, so the
 * board is one query whatever the number of deals, and it cannot drift from the deals themselves.
 */
export const StageTotalEntity = tableEntity({
  model: { service: "crm", entity: "stageTotal", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    pipelineId: { type: "string", required: true, readOnly: true },
    stageId: { type: "string", required: true, readOnly: true },
    /** ISO 4217 code; upper case in the attribute (keys are case-folded). */
    currency: { type: "string", required: true, readOnly: true },
    dealCount: { type: "number", required: true, default: 0 },
    valueSum: { type: "number", required: true, default: 0 },
  },
  indexes: {
    stageTotalsOfPipeline: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "pipelineId"] },
      sk: { field: primaryKeyFields.sk, composite: ["stageId", "currency"] },
    },
  },
});
