import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * One move of a deal into a stage (the first is the stage it was created in), an item of its own in the deal's
 * partition: a move adds one small item instead of rewriting a growing list inside the deal, and reading the deal
 * reads none of them. Sorted by time, then by a ULID for moves in the same millisecond.
 */
export const DealStageMoveEntity = tableEntity({
  model: { service: "crm", entity: "dealStageMove", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    dealId: { type: "string", required: true, readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    moveId: { type: "string", required: true, readOnly: true },
    /** Absent on the first move: the stage the deal was created in. */
    fromStageId: { type: "string", readOnly: true },
    toStageId: { type: "string", required: true, readOnly: true },
    by: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    stageMovesOfDeal: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "dealId"] },
      sk: { field: primaryKeyFields.sk, composite: ["at", "moveId"] },
    },
  },
});
