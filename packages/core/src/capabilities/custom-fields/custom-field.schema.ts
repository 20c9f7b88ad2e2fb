import { z } from "zod";
import { customFieldIdParam } from "../../platform/path-parameters";
import { pageCursor, pageLimit, recordId, text, timestamp } from "../../platform/schema";
import {
  type CustomFieldRecordType,
  type CustomFieldType,
  customFieldRecordTypes,
  customFieldTypes,
} from "./custom-field.constants";

/** Fields per record type, archived ones included: HubSpot's and Pipedrive's order of magnitude, and one item's size. */
export const maxCustomFieldsPerRecordType = 100;
export const maxOptionsPerField = 100;

/** A key as it appears in `customFields` and in field paths (`body.customFields.renewalDate`): an identifier. */
export const customFieldKey = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,49}$/, "Must start with a lower-case letter, then letters and digits (at most 50).")
  .meta({ example: "renewalDate" });

const optionLabel = text(100).meta({ example: "Gold" });

const newOption = z.strictObject({ label: optionLabel });
const changedOption = z.strictObject({
  id: recordId("fieldOption").optional().meta({ description: "An existing option's id; absent: a new option." }),
  label: optionLabel,
  archived: z
    .boolean()
    .optional()
    .meta({ description: "An archived option is kept on records but refused on writes." }),
});

const selectTypes = new Set<CustomFieldType>(["singleSelect", "multiSelect"]);

export const createCustomFieldInput = z
  .strictObject({
    recordType: z.enum(customFieldRecordTypes),
    key: customFieldKey,
    label: text(100).meta({ example: "Renewal date" }),
    description: text(500).optional().meta({ example: "When the contract comes up for renewal." }),
    type: z.enum(customFieldTypes).meta({ example: "date" }),
    required: z
      .boolean()
      .default(false)
      .meta({ description: "Records created from now on must have a value; existing ones are not checked." }),
    options: z
      .array(newOption)
      .min(1)
      .max(maxOptionsPerField)
      .optional()
      .meta({ description: "The choices of a `singleSelect` or `multiSelect` field (and only of those)." }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "Must be an upper-case ISO 4217 code such as EUR.")
      .optional()
      .meta({ description: "A `currency` field's currency, if every value must be in it.", example: "EUR" }),
  })
  .superRefine((input, context) => {
    if (selectTypes.has(input.type) && !input.options) {
      context.addIssue({ code: "custom", path: ["options"], message: "A select field needs its options." });
    }
    if (!selectTypes.has(input.type) && input.options) {
      context.addIssue({ code: "custom", path: ["options"], message: "Only select fields have options." });
    }
    if (input.type !== "currency" && input.currency) {
      context.addIssue({ code: "custom", path: ["currency"], message: "Only currency fields have a currency." });
    }
  })
  .meta({
    id: "CreateCustomFieldInput",
    example: {
      recordType: "contact",
      key: "renewalDate",
      label: "Renewal date",
      description: "When the contract comes up for renewal.",
      type: "date",
      required: false,
    },
  });
export type CreateCustomFieldInput = z.infer<typeof createCustomFieldInput>;

export const updateCustomFieldInput = z
  .strictObject({
    label: text(100).optional().meta({ example: "Contract renewal" }),
    description: text(500).nullable().optional(),
    required: z.boolean().optional(),
    archived: z
      .boolean()
      .optional()
      .meta({ description: "An archived field is left out of the schema and refused on writes; its values stay." }),
    options: z.array(changedOption).min(1).max(maxOptionsPerField).optional().meta({
      description:
        "The complete list of a select field's options: keep (or rename) one by its id, add one without an id. An option left out is archived, never deleted, as records may hold it.",
    }),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateCustomFieldInput", example: { label: "Contract renewal", required: true } });
export type UpdateCustomFieldInput = z.infer<typeof updateCustomFieldInput>;

export const listCustomFieldsQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  recordType: z.enum(customFieldRecordTypes).optional().meta({ description: "Only this record type's fields." }),
  archived: z
    .enum(["include", "only", "exclude"])
    .default("exclude")
    .meta({ description: "Whether archived fields are listed (default: not)." }),
});
export type ListCustomFieldsQuery = z.infer<typeof listCustomFieldsQuery>;

const optionSchema = z
  .object({
    id: recordId("fieldOption"),
    label: z.string().meta({ example: "Gold" }),
    archived: z.boolean(),
  })
  .meta({ id: "CustomFieldOption" });
export type CustomFieldOption = z.infer<typeof optionSchema>;

export const customFieldSchema = z
  .object({
    id: customFieldIdParam,
    recordType: z.enum(customFieldRecordTypes),
    key: customFieldKey,
    label: z.string().meta({ example: "Renewal date" }),
    description: z.string().nullable().meta({ example: "When the contract comes up for renewal." }),
    type: z.enum(customFieldTypes),
    required: z.boolean(),
    archived: z.boolean(),
    options: z.array(optionSchema).meta({ description: "A select field's options; empty for other types." }),
    currency: z.string().nullable().meta({ example: "EUR" }),
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "CustomField" });
export type CustomField = z.infer<typeof customFieldSchema>;

/**
 * `customFields` in a create or update body: values by key, validated against the organisation's definitions by the
 * service (the request schema cannot know them); `null` clears a value on update.
 */
export const customFieldValuesInput = z
  .record(customFieldKey, z.unknown())
  .refine((values) => Object.keys(values).length <= maxCustomFieldsPerRecordType, {
    message: `At most ${maxCustomFieldsPerRecordType} custom fields.`,
  })
  .meta({
    description:
      "Values of the organisation's custom fields of this record type, by key (see `GET /v1/orgs/{orgId}/custom-fields` and `/schema`). A select stores option ids; a currency `{ amount, currency }` in minor units; a member a member id; `null` clears a value.",
    example: { renewalDate: "2027-03-31" },
  });
export type CustomFieldValuesInput = z.infer<typeof customFieldValuesInput>;

/** `customFields` in a record's response: the stored values by key. */
export const customFieldValues = z.record(z.string(), z.unknown()).meta({
  description: "Values of the organisation's custom fields, by key; a field without a value is absent.",
  example: { renewalDate: "2027-03-31" },
});
export type CustomFieldValues = Record<string, unknown>;

/** `GET /v1/orgs/{orgId}/schema`: the JSON Schema of each record type as this organisation has it. */
export const recordSchemasSchema = z
  .object(
    Object.fromEntries(
      customFieldRecordTypes.map((recordType) => [
        recordType,
        z.record(z.string(), z.unknown()).meta({
          description: `JSON Schema (2020-12) of a ${recordType} as the API answers it, with the organisation's custom fields.`,
        }),
      ]),
    ) as Record<CustomFieldRecordType, z.ZodRecord<z.ZodString, z.ZodUnknown>>,
  )
  .meta({ id: "RecordSchemas" });

/**
 * A list's `sort` parameter: one of its index-served orders. A custom field is refused with that reason (its
 * values are in no index: sorting by one would read the whole list), other values with zod's own message.
 */
export function sortOrderParameter<const Orders extends readonly [string, ...string[]]>(orders: Orders) {
  return z.enum(orders, {
    error: (issue) => (isCustomFieldSort(issue.input) ? customFieldSortMessage(orders) : undefined),
  });
}

/** Whether a sort names a custom field (`customFields.<key>` or `-customFields.<key>`). */
export const isCustomFieldSort = (sort: unknown) => typeof sort === "string" && /^-?customFields\./.test(sort);

export const customFieldSortMessage = (orders: readonly string[]) =>
  `Custom fields are not sort orders: a list sorts only by what an index serves (${orders.join(", ")}); filter on a custom field instead.`;
