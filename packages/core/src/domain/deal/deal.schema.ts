import { z } from "zod";
import { customFieldValues, customFieldValuesInput } from "../../capabilities/custom-fields/custom-field.schema";
import { filterQueryParameter } from "../../capabilities/filter/filter";
import { dealIdParam, pipelineIdParam } from "../../platform/path-parameters";
import { actorId, pageCursor, pageLimit, recordId, tag, tagList, text, timestamp } from "../../platform/schema";
import { stageIdParam } from "../pipeline/pipeline.schema";
import { dealStatuses } from "./deal.constants";

const isoCurrencies = new Set(Intl.supportedValuesOf("currency"));

export const money = z
  .strictObject({
    amount: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: "In minor units of the currency (cents for EUR): 125000 is 1,250.00." }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "Must be an upper-case ISO 4217 code such as EUR.")
      .refine((code) => isoCurrencies.has(code), "Not an ISO 4217 currency.")
      .meta({ example: "EUR" }),
  })
  .meta({ id: "Money" });

const calendarDate = z.iso.date().meta({ example: "2026-12-31" });
const contactIds = z
  .array(recordId("contact"))
  .max(20)
  .transform((ids) => [...new Set(ids)])
  .meta({ description: "The deal's contacts (at most 20)." });
const lostReason = text(500).meta({ description: "Why the deal was lost; only for deals in a lost stage." });

export const createDealInput = z
  .strictObject({
    title: text(200),
    value: money,
    pipelineId: pipelineIdParam.optional().meta({ description: "Defaults to the organisation's default pipeline." }),
    stageId: stageIdParam.optional().meta({ description: "Defaults to the pipeline's first open stage." }),
    ownerId: recordId("member").optional().meta({ description: "Defaults to the creator." }),
    expectedCloseDate: calendarDate.optional(),
    companyId: recordId("company").nullable().optional(),
    contactIds: contactIds.optional(),
    tags: tagList.optional(),
    lostReason: lostReason.optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .meta({ id: "CreateDealInput" });
export type CreateDealInput = z.infer<typeof createDealInput>;

export const updateDealInput = z
  .strictObject({
    title: text(200).optional(),
    value: money.optional(),
    ownerId: recordId("member").optional(),
    expectedCloseDate: calendarDate.nullable().optional(),
    companyId: recordId("company").nullable().optional(),
    contactIds: contactIds.optional(),
    tags: tagList.optional(),
    lostReason: lostReason.nullable().optional(),
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({
    id: "UpdateDealInput",
    description:
      "Fields to change; `null` clears a field, arrays replace. The stage changes only through the stage endpoint.",
  });
export type UpdateDealInput = z.infer<typeof updateDealInput>;

export const moveDealInput = z
  .strictObject({
    stageId: stageIdParam.meta({ description: "A stage of the deal's pipeline." }),
    lostReason: lostReason.optional(),
  })
  .meta({ id: "MoveDealInput" });
export type MoveDealInput = z.infer<typeof moveDealInput>;

export const listDealsQuery = z
  .strictObject({
    limit: pageLimit,
    cursor: pageCursor.optional(),
    pipelineId: pipelineIdParam.optional().meta({ description: "Only deals of this pipeline, by stage." }),
    stageId: stageIdParam.optional().meta({ description: "Only deals in this stage (with `pipelineId`)." }),
    ownerId: recordId("member").optional(),
    status: z.enum(dealStatuses).optional(),
    closeFrom: calendarDate.optional().meta({ description: "Expected close date on or after (inclusive)." }),
    closeTo: calendarDate.optional().meta({ description: "Expected close date on or before (inclusive)." }),
    companyId: recordId("company").optional(),
    tag: tag.optional().meta({
      description:
        "Only deals with this tag. Alone (in creation order) it is served by the tag index, which follows writes within about a second.",
    }),
    filter: filterQueryParameter.optional(),
  })
  .refine((query) => query.stageId === undefined || query.pipelineId !== undefined, {
    path: ["stageId"],
    message: "Give `pipelineId` with `stageId`.",
  })
  .refine((query) => !query.closeFrom || !query.closeTo || query.closeFrom <= query.closeTo, {
    path: ["closeTo"],
    message: "Must not be before `closeFrom`.",
  });
export type ListDealsQuery = z.infer<typeof listDealsQuery>;

export const listRottingDealsQuery = z.strictObject({ limit: pageLimit, cursor: pageCursor.optional() });
export type ListRottingDealsQuery = z.infer<typeof listRottingDealsQuery>;

export const dealSchema = z
  .object({
    id: dealIdParam,
    title: z.string(),
    value: money,
    pipelineId: pipelineIdParam,
    stageId: stageIdParam,
    status: z.enum(dealStatuses),
    lostReason: z.string().nullable(),
    ownerId: recordId("member"),
    expectedCloseDate: z.string().nullable(),
    companyId: recordId("company").nullable(),
    contactIds: z.array(recordId("contact")),
    tags: z.array(z.string()),
    customFields: customFieldValues,
    stageEnteredAt: timestamp,
    lastActivityAt: timestamp.nullable(),
    closedAt: timestamp.nullable(),
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Deal" });
export type Deal = z.infer<typeof dealSchema>;

export const rottingDealSchema = dealSchema
  .extend({ rottingSince: timestamp.meta({ description: "When the deal exceeded its stage's rotting days." }) })
  .meta({ id: "RottingDeal" });
export type RottingDeal = z.infer<typeof rottingDealSchema>;

export const stageHistorySchema = z
  .object({
    dealId: dealIdParam,
    moves: z.array(
      z.object({
        fromStageId: stageIdParam.nullable().meta({ description: "Null for the stage the deal was created in." }),
        toStageId: stageIdParam,
        at: timestamp,
        by: actorId,
        secondsInStage: z.number().int().meta({ description: "Until the next move, or until now." }),
      }),
    ),
    timeInStages: z
      .array(z.object({ stageId: stageIdParam, seconds: z.number().int() }))
      .meta({ description: "Total time spent in each stage, in order of first entry." }),
  })
  .meta({ id: "DealStageHistory" });
export type StageHistory = z.infer<typeof stageHistorySchema>;
