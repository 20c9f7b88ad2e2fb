import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { stageKinds } from "./pipeline.constants";

/**
 * A sales pipeline with its ordered stages. Stages live inside the pipeline item: a pipeline has a few dozen at
 * most, so renaming, reordering, adding and removing them is one conditional write, and every deal write checks
 * the pipeline's version to know that its stage still exists.
 */
export const PipelineEntity = tableEntity({
  model: { service: "crm", entity: "pipeline", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    pipelineId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    /** New deals without a pipeline go to the default one; an organisation has exactly one. */
    isDefault: { type: "boolean", required: true, default: false },
    stages: {
      type: "list",
      required: true,
      items: {
        type: "map",
        properties: {
          stageId: { type: "string", required: true },
          name: { type: "string", required: true },
          probability: { type: "number", required: true },
          kind: { type: stageKinds, required: true },
          rottingDays: { type: "number" },
        },
      },
    },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    // In the organisation's own partition: few items, read with strong consistency.
    pipelinesOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["pipelineId"] },
    },
  },
});
