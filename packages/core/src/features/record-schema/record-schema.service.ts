import { z } from "zod";
import type { CustomFieldRecordType } from "../../capabilities/custom-fields/custom-field.constants";
import type { CustomField } from "../../capabilities/custom-fields/custom-field.schema";
import { customFieldDefinitionsOf, toCustomField } from "../../capabilities/custom-fields/custom-field.service";
import { activitySchema } from "../../domain/activity/activity.schema";
import { companySchema } from "../../domain/company/company.schema";
import { contactSchema } from "../../domain/contact/contact.schema";
import { dealSchema } from "../../domain/deal/deal.schema";
import { idPrefixes } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";

type JsonSchema = Record<string, unknown>;

const responseSchemas: Record<CustomFieldRecordType, z.ZodType> = {
  contact: contactSchema,
  company: companySchema,
  deal: dealSchema,
  activity: activitySchema,
};

/**
 * A response schema as JSON Schema with its record at the root: zod puts a schema with an id (`Contact`) in `$defs`
 * and refers to it; the root takes its place, and the other definitions (`Money`, …) stay where their refs look.
 */
function rootedJsonSchema(schema: z.ZodType): JsonSchema {
  const { $ref, $defs, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
  const definitions = { ...($defs as Record<string, JsonSchema> | undefined) };
  const rootId = typeof $ref === "string" ? $ref.replace("#/$defs/", "") : undefined;
  const root = rootId ? definitions[rootId] : undefined;
  if (rootId) delete definitions[rootId];
  return { ...rest, ...root, ...(Object.keys(definitions).length > 0 ? { $defs: definitions } : {}) };
}

/** The built-in part, derived once from the response schemas the API answers with. */
const builtInSchemas = Object.fromEntries(
  Object.entries(responseSchemas).map(([recordType, schema]) => [recordType, rootedJsonSchema(schema)]),
) as Record<CustomFieldRecordType, JsonSchema>;

const options = (field: CustomField) =>
  field.options.filter((option) => !option.archived).map((option) => ({ const: option.id, title: option.label }));

/** A custom field's value as JSON Schema: what validateCustomFieldValues accepts, as far as JSON Schema can say. */
function valueSchemaOf(field: CustomField): JsonSchema {
  switch (field.type) {
    case "text":
      return { type: "string", minLength: 1, maxLength: 500 };
    case "longText":
      return { type: "string", minLength: 1, maxLength: 10_000 };
    case "number":
      return { type: "number" };
    case "currency":
      return {
        type: "object",
        properties: {
          amount: { type: "integer", description: "In minor units (cents)." },
          currency: field.currency ? { const: field.currency } : { type: "string", pattern: "^[A-Z]{3}$" },
        },
        required: ["amount", "currency"],
        additionalProperties: false,
      };
    case "date":
      return { type: "string", format: "date" };
    case "dateTime":
      return { type: "string", format: "date-time" };
    case "boolean":
      return { type: "boolean" };
    case "singleSelect":
      return { type: "string", oneOf: options(field) };
    case "multiSelect":
      return { type: "array", items: { oneOf: options(field) }, uniqueItems: true };
    case "url":
      return { type: "string", format: "uri" };
    case "email":
      return { type: "string", format: "email" };
    case "phone":
      return { type: "string", pattern: "^\\+?[0-9 ()\\-.]{3,32}$" };
    case "member":
      return { type: "string", pattern: `^${idPrefixes.member}_[0-9a-z]{1,64}$` };
    default:
      return field.type satisfies never;
  }
}

/** The `customFields` property of a record type's schema, from its active, unarchived definitions. */
export function customFieldsJsonSchema(fields: readonly CustomField[]): JsonSchema {
  return {
    type: "object",
    description: "The organisation's custom fields, by key; archived fields' values may appear too.",
    properties: Object.fromEntries(
      fields.map((field) => [
        field.key,
        {
          title: field.label,
          ...(field.description ? { description: field.description } : {}),
          ...valueSchemaOf(field),
          "x-custom-field-id": field.id,
          "x-custom-field-type": field.type,
          ...(field.required ? { "x-required": true } : {}),
        },
      ]),
    ),
    additionalProperties: true,
  };
}

/**
 * Each record type's JSON Schema as the organisation has it: the built-in fields plus its custom fields (one
 * consistent Query for every record type's definitions).
 */
export async function recordSchemas(context: TenantContext): Promise<Record<CustomFieldRecordType, JsonSchema>> {
  const definitions = (await customFieldDefinitionsOf(context.orgId)).filter((definition) => !definition.archived);
  const schemaOf = (recordType: CustomFieldRecordType): JsonSchema => {
    const builtIn = builtInSchemas[recordType];
    const fields = definitions.filter((definition) => definition.recordType === recordType).map(toCustomField);
    return {
      ...builtIn,
      properties: {
        ...(builtIn.properties as JsonSchema),
        customFields: customFieldsJsonSchema(fields),
      },
    };
  };
  return {
    contact: schemaOf("contact"),
    company: schemaOf("company"),
    deal: schemaOf("deal"),
    activity: schemaOf("activity"),
  };
}
