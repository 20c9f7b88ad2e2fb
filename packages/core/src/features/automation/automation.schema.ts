import { z } from "zod";
import { customFieldKey, customFieldValuesInput } from "../../capabilities/custom-fields/custom-field.schema";
import { domainEventSchema, domainEventTypes } from "../../capabilities/events/domain-event.schema";
import { filterSchema } from "../../capabilities/filter/filter";
import { ruleIdParam } from "../../platform/path-parameters";
import { pageCursor, pageLimit, recordId, storableNumber, tag, text, timestamp } from "../../platform/schema";

/** The record fields conditions and field updates may name. */
export const ruleFields = [
  "stageId",
  "pipelineId",
  "ownerId",
  "status",
  "amount",
  "currency",
  "title",
  "expectedCloseDate",
  "tags",
  "dealId",
  "companyId",
  "balance",
] as const;

export const conditionSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("equals"),
      field: z.enum(ruleFields),
      value: z.union([z.string(), storableNumber, z.boolean()]),
    }),
    z.strictObject({ kind: z.literal("greaterThan"), field: z.literal("amount"), value: storableNumber }),
    z.strictObject({ kind: z.literal("changed"), field: z.enum(ruleFields) }),
    z.strictObject({ kind: z.literal("tagAdded"), tag }),
    z.strictObject({ kind: z.literal("isSet"), field: z.enum(ruleFields) }),
  ])
  .meta({
    id: "RuleCondition",
    description:
      "`equals`/`greaterThan` test the record as it is after the change (a deal's stage, pipeline, owner, value in minor units; an invoice's status, amount, balance, deal…); `changed` tests that the event changed the field; `tagAdded` that the change added the tag; `isSet` that the record has the field (e.g. an invoice linked to a deal: `dealId`).",
  });
export type Condition = z.infer<typeof conditionSchema>;

const assignee = z
  .union([z.literal("owner"), recordId("member")])
  .meta({ description: "`owner` (the record's owner) or a member id." });

export const actionSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("createTask"),
      title: text(200).meta({ description: "May use {{record.title}}, {{record.name}}, {{event.type}}." }),
      assignee: assignee.default("owner"),
      dueInDays: z.number().int().min(0).max(365).default(1),
      priority: z.enum(["low", "normal", "high"]).default("normal"),
      customFields: customFieldValuesInput
        .optional()
        .meta({ description: "Values of the organisation's activity custom fields for the task (required ones too)." }),
    }),
    z.strictObject({
      type: z.literal("updateField"),
      field: z.enum(["title", "expectedCloseDate", "ownerId"]),
      value: z.string().nullable(),
    }),
    z.strictObject({ type: z.literal("addTag"), tag }),
    z
      .strictObject({
        type: z.literal("setCustomField"),
        key: customFieldKey,
        value: z.unknown().meta({ description: "As the record's `customFields` takes it; `null` clears it." }),
      })
      .meta({
        description:
          "Sets one custom field of the event's contact, company or deal; checked against the field's type when the rule is saved and again when it runs.",
      }),
    z.strictObject({
      type: z.literal("assignRoundRobin"),
      memberIds: z.array(recordId("member")).min(1).max(50).meta({ description: "Who takes turns, in order." }),
    }),
    z.strictObject({
      type: z.literal("notify"),
      recipients: z.array(assignee).min(1).max(20),
      message: text(500).meta({ description: "May use the same placeholders as task titles." }),
    }),
    z.strictObject({
      type: z.literal("sendWebhook"),
      webhookId: z.string().min(1).meta({ description: "A webhook subscription of the organisation." }),
    }),
    z
      .strictObject({
        type: z.literal("setDealStatus"),
        status: z.enum(["won", "lost"]),
        lostReason: text(500).optional().meta({ description: "Why it was lost, for `lost`." }),
      })
      .meta({
        description:
          "Moves the event's deal (the record itself, or the deals it is linked to: an invoice's or payment's deal, an activity's deals) to the first won or lost stage of its pipeline.",
      }),
    z
      .strictObject({
        type: z.literal("draftInvoice"),
        provider: z.enum(["quickbooks", "xero"]).optional().meta({ description: "When both books are connected." }),
      })
      .meta({
        description:
          "Creates a draft invoice for the event's deal in the connected books, as `POST …/deals/{dealId}/invoice` does (once per deal).",
      }),
    z.strictObject({
      type: z.literal("delay"),
      days: z.number().int().min(0).max(90).default(0),
      hours: z.number().int().min(0).max(23).default(0),
    }),
  ])
  .meta({ id: "RuleAction" });
export type Action = z.infer<typeof actionSchema>;

export const triggerSchema = z
  .strictObject({
    eventType: z.enum(domainEventTypes),
    conditions: z.array(conditionSchema).max(20).default([]),
    filter: filterSchema.optional().meta({
      description:
        "The lists' filter grammar (see the contacts list's `filter` parameter), tested on the record as it is after the change, with the fields its list filters on (contacts, companies, deals, activities and tasks); it must hold as well as every condition. Field names, operators and values are checked when the rule is saved.",
      example: {
        or: [
          { and: [{ field: "amount", op: "gte", value: 1_000_000 }] },
          {
            and: [
              { field: "tags", op: "contains", value: "key" },
              { field: "currency", op: "in", value: ["EUR", "GBP"] },
            ],
          },
        ],
      },
    }),
  })
  .meta({ id: "RuleTrigger" });
export type Trigger = z.infer<typeof triggerSchema>;

export const createRuleInput = z
  .strictObject({
    name: text(200),
    enabled: z.boolean().default(true),
    trigger: triggerSchema,
    actions: z.array(actionSchema).min(1).max(20),
  })
  .meta({ id: "CreateAutomationRuleInput" });
export type CreateRuleInput = z.infer<typeof createRuleInput>;

export const updateRuleInput = z
  .strictObject({
    name: text(200).optional(),
    enabled: z.boolean().optional(),
    trigger: triggerSchema.optional(),
    actions: z.array(actionSchema).min(1).max(20).optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateAutomationRuleInput" });
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

export const ruleSchema = z
  .object({
    id: ruleIdParam,
    name: z.string(),
    enabled: z.boolean(),
    trigger: triggerSchema,
    actions: z.array(actionSchema),
    version: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "AutomationRule" });
export type Rule = z.infer<typeof ruleSchema>;

// Strict copies of the event's parts: the bus's schema strips unknown fields (events may grow), a request refuses them.
const { type: eventType, record: eventRecord, changes: eventChanges } = domainEventSchema.shape;

export const dryRunInput = z
  .strictObject({
    event: z
      .strictObject({
        type: eventType,
        record: z.strictObject(eventRecord.shape),
        changes: z.array(z.strictObject(eventChanges.element.shape)).default([]),
      })
      .meta({ description: "The event to try the rule on: its type, record and changes." }),
  })
  .meta({ id: "AutomationDryRunInput" });
export type DryRunInput = z.infer<typeof dryRunInput>;

export const dryRunResultSchema = z
  .object({
    matches: z.boolean(),
    reasons: z.array(z.string()).meta({ description: "Why it matches or not, condition by condition." }),
    actions: z.array(z.string()).meta({ description: "What it would do, in order." }),
  })
  .meta({ id: "AutomationDryRunResult" });
export type DryRunResult = z.infer<typeof dryRunResultSchema>;

export const runSchema = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    recordId: z.string(),
    status: z.enum(["running", "succeeded", "failed", "skipped", "waiting"]),
    actionsTaken: z.array(z.string()),
    error: z.string().nullable(),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: "AutomationRun" });
export type Run = z.infer<typeof runSchema>;

export const listRunsQuery = z.strictObject({ limit: pageLimit, cursor: pageCursor.optional() });
export type ListRunsQuery = z.infer<typeof listRunsQuery>;
