import { z } from "zod";
import { pipelineIdParam } from "../../platform/path-parameters";
import { recordId, text, timestamp } from "../../platform/schema";
import { stageKinds } from "./pipeline.constants";

export const stageIdParam = recordId("stage").meta({ description: "Stage id." });

export const maxStagesPerPipeline = 30;

const stageFields = {
  name: text(100),
  probability: z
    .number()
    .int()
    .min(0)
    .max(100)
    .meta({ description: "Chance, in percent, that a deal in this stage is won; weights the forecast." }),
  kind: z
    .enum(stageKinds)
    .default("open")
    .meta({ description: "`won` and `lost` stages close the deals moved into them." }),
  rottingDays: z.number().int().min(1).max(365).nullable().optional().meta({
    description: "A deal rots when it has had no activity and no stage change for this many days.",
  }),
};

const newStageInput = z.strictObject(stageFields).meta({ id: "NewStageInput" });
const stageInput = z
  .strictObject({
    id: stageIdParam.optional().meta({ description: "An existing stage's id keeps it (and its deals); omit to add." }),
    ...stageFields,
  })
  .meta({ id: "StageInput" });

/** A stage list as the examples show it: a valid one (unique names, an open, a won and a lost stage). */
const exampleStages = [
  { name: "Qualified", probability: 20, kind: "open", rottingDays: 14 },
  { name: "Proposal", probability: 60, kind: "open", rottingDays: 14 },
  { name: "Won", probability: 100, kind: "won" },
  { name: "Lost", probability: 0, kind: "lost" },
];

type StageListEntry = { name: string; kind: (typeof stageKinds)[number] };

/** Rules a whole stage list must follow: names unique, at least one open, one won and one lost stage. */
function checkStageList(stages: StageListEntry[], context: z.RefinementCtx) {
  const seen = new Map<string, number>();
  stages.forEach((stage, index) => {
    const folded = stage.name.toLowerCase();
    if (seen.has(folded)) {
      context.addIssue({ code: "custom", path: [index, "name"], message: "Stage names must be unique." });
    }
    seen.set(folded, index);
  });
  for (const kind of stageKinds) {
    if (!stages.some((stage) => stage.kind === kind)) {
      context.addIssue({ code: "custom", path: [], message: `A pipeline needs at least one ${kind} stage.` });
    }
  }
}

export const createPipelineInput = z
  .strictObject({
    name: text(100).meta({ example: "Sales" }),
    stages: z
      .array(newStageInput)
      .min(3)
      .max(maxStagesPerPipeline)
      .superRefine(checkStageList)
      .meta({ example: exampleStages }),
  })
  .meta({ id: "CreatePipelineInput" });
export type CreatePipelineInput = z.infer<typeof createPipelineInput>;

export const updatePipelineInput = z
  .strictObject({
    name: text(100).optional(),
    isDefault: z.literal(true).optional().meta({ description: "Make this the organisation's default pipeline." }),
    stages: z
      .array(stageInput)
      .min(3)
      .max(maxStagesPerPipeline)
      .superRefine(checkStageList)
      .optional()
      .meta({
        description:
          "The complete new stage list, in order. Stages with an `id` are kept (renamed, reordered, re-weighted); stages without one are added; stages left out are removed.",
        example: [{ id: "stg_01jd8x4k2q7v3m9t5r1w6y8z0a", ...exampleStages[0] }, ...exampleStages.slice(1)],
      }),
    moveDealsTo: z
      .record(stageIdParam, stageIdParam)
      .optional()
      .meta({
        description:
          'For each removed stage that still has deals, the kept stage to move them to, e.g. `{ "stg_old": "stg_new" }`.',
        example: { stg_01jd8x4k2q7v3m9t5r1w6y8z0b: "stg_01jd8x4k2q7v3m9t5r1w6y8z0a" },
      }),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .refine((input) => input.moveDealsTo === undefined || input.stages !== undefined, {
    path: ["moveDealsTo"],
    message: "Only meaningful together with `stages`.",
  })
  .meta({ id: "UpdatePipelineInput" });
export type UpdatePipelineInput = z.infer<typeof updatePipelineInput>;

export const stageSchema = z
  .object({
    id: stageIdParam,
    name: z.string(),
    probability: z.number().int(),
    kind: z.enum(stageKinds),
    rottingDays: z.number().int().nullable(),
  })
  .meta({ id: "Stage" });
export type Stage = z.infer<typeof stageSchema>;

export const pipelineSchema = z
  .object({
    id: pipelineIdParam,
    name: z.string(),
    isDefault: z.boolean(),
    stages: z.array(stageSchema),
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Pipeline" });
export type Pipeline = z.infer<typeof pipelineSchema>;

const moneyTotal = z.object({
  currency: z.string(),
  value: z.number().int().meta({ description: "Sum of the deals' values, in minor units." }),
  weightedValue: z.number().int().meta({ description: "`value` times the stage probability, rounded." }),
});

export const pipelineBoardSchema = z
  .object({
    pipelineId: pipelineIdParam,
    stages: z.array(
      stageSchema.extend({
        dealCount: z.number().int(),
        totals: z.array(moneyTotal).meta({ description: "Per currency." }),
      }),
    ),
    forecast: z
      .array(
        z.object({
          currency: z.string(),
          openCount: z.number().int(),
          openValue: z.number().int(),
          weightedValue: z.number().int().meta({ description: "Open deals weighted by their stage probability." }),
          wonCount: z.number().int(),
          wonValue: z.number().int(),
          lostCount: z.number().int(),
          lostValue: z.number().int(),
        }),
      )
      .meta({ description: "Per currency, over the whole pipeline." }),
  })
  .meta({ id: "PipelineBoard" });
export type PipelineBoard = z.infer<typeof pipelineBoardSchema>;
