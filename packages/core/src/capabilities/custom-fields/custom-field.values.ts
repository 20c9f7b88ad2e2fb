import { z } from "zod";
import { type FieldIssue, ValidationError } from "../../platform/errors";
import { emailAddress, recordId, storableNumber, text } from "../../platform/schema";
import type { CustomFieldRecordType, CustomFieldType } from "./custom-field.constants";
import type { CustomFieldValues } from "./custom-field.schema";

/** What validating values needs of a definition (the stored item has more). */
export type CustomFieldDefinition = {
  fieldId: string;
  recordType: CustomFieldRecordType;
  key: string;
  type: CustomFieldType;
  required: boolean;
  archived: boolean;
  status: "active" | "deleting";
  options: { id: string; label: string; archived: boolean }[];
  currency?: string;
};

/** The serialised size of a record's values: far below DynamoDB's 400 KB item, beside the built-in fields. */
export const maxCustomFieldValuesBytes = 32 * 1024;

/** A member a value names, checked inside the record's transaction (see domain/references.ts). */
export type CustomFieldMemberReference = { memberId: string; path: string };

export type ValidatedCustomFieldValues = {
  /** Every value the record holds after the write, by key; empty when it holds none. */
  values: CustomFieldValues;
  memberReferences: CustomFieldMemberReference[];
  /** The keys of `values` whose text makes search terms of the record (text-like types), in definition order. */
  searchedKeys: string[];
};

/** The types whose values are text a person searches for; the others are numbers, dates, ids and flags. */
export const searchedCustomFieldTypes: ReadonlySet<CustomFieldType> = new Set([
  "text",
  "longText",
  "email",
  "url",
  "phone",
]);

const isoDate = z.iso.date("Must be a date, YYYY-MM-DD.");
const isoDateTime = z.iso
  .datetime({ offset: true, message: "Must be a date and time (RFC 3339), e.g. 2027-03-31T09:30:00Z." })
  .transform((value) => new Date(value).toISOString());
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "Must be an upper-case ISO 4217 code such as EUR.");
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()\-.]{3,32}$/, "Must be a phone number: digits, spaces, ( ) - . and an optional leading +.")
  .refine((value) => value.replace(/\D/g, "").length >= 3, "Must contain at least 3 digits.");
const webAddress = z
  .url({ protocol: /^https?$/, message: "Must be an http or https URL." })
  .max(2048, "Must be at most 2048 characters.");

/** The schema one definition's values must pass (without `null`, handled by the caller). */
function valueSchema(definition: CustomFieldDefinition): z.ZodType {
  const activeOption = z
    .string()
    .refine(
      (id) => definition.options.some((option) => option.id === id && !option.archived),
      "Must be the id of one of the field's options (see GET …/custom-fields/{fieldId}).",
    );
  switch (definition.type) {
    case "text":
      return text(500);
    case "longText":
      return text(10_000);
    case "number":
      return storableNumber;
    case "currency":
      return z.strictObject({
        amount: z.number().int("Must be a whole number of minor units (cents).").refine(Number.isSafeInteger, {
          message: "Must be a safe integer.",
        }),
        currency: definition.currency
          ? z.literal(definition.currency, `Must be ${definition.currency}: the field's currency.`)
          : currencyCode,
      });
    case "date":
      return isoDate;
    case "dateTime":
      return isoDateTime;
    case "boolean":
      return z.boolean();
    case "singleSelect":
      return activeOption;
    case "multiSelect":
      return z
        .array(activeOption)
        .max(definition.options.length)
        .refine((ids) => new Set(ids).size === ids.length, "Must not name an option twice.");
    case "url":
      return webAddress;
    case "email":
      return emailAddress;
    case "phone":
      return phone;
    case "member":
      return recordId("member");
    default:
      return definition.type satisfies never;
  }
}

const pathOf = (key: string, rest: PropertyKey[] = []) =>
  ["body", "customFields", key, ...rest.map((segment) => String(segment))].join(".");

/**
 * Checks the `customFields` of a create or an update against the record type's definitions and returns what the
 * record holds afterwards: the current values with the given ones applied (`null` clears), with values of fields
 * that no longer exist dropped. Every problem is reported at `body.customFields.<key>`, as a built-in field's.
 * `definitions` are the organisation's, of any record type; the caller reads them only when a write needs them.
 */
export function validateCustomFieldValues(
  definitions: readonly CustomFieldDefinition[],
  recordType: CustomFieldRecordType,
  input: Record<string, unknown> | undefined,
  current: CustomFieldValues | undefined,
  mode: "create" | "update",
): ValidatedCustomFieldValues {
  const usable = new Map(
    definitions
      .filter((definition) => definition.recordType === recordType && definition.status === "active")
      .map((definition) => [definition.key, definition]),
  );
  const issues: FieldIssue[] = [];
  const values: CustomFieldValues = {};
  for (const [key, value] of Object.entries(current ?? {})) if (usable.has(key)) values[key] = value;
  const memberReferences: CustomFieldMemberReference[] = [];

  for (const [key, value] of Object.entries(input ?? {})) {
    const definition = usable.get(key);
    if (!definition) {
      issues.push({ path: pathOf(key), message: `No such custom field of a ${recordType}.` });
      continue;
    }
    if (definition.archived) {
      issues.push({ path: pathOf(key), message: "The custom field is archived: its values can no longer change." });
      continue;
    }
    if (value === null) {
      if (definition.required) issues.push({ path: pathOf(key), message: "Required: it cannot be cleared." });
      else delete values[key];
      continue;
    }
    const parsed = valueSchema(definition).safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: pathOf(key, issue.path), message: issue.message });
      continue;
    }
    values[key] = parsed.data;
    if (definition.type === "member") memberReferences.push({ memberId: parsed.data as string, path: pathOf(key) });
  }

  if (mode === "create") {
    for (const definition of usable.values()) {
      // Own properties only: a key such as `toString` must not be found on the object's prototype.
      const given = input && Object.hasOwn(input, definition.key) ? input[definition.key] : undefined;
      if (definition.required && !definition.archived && (given === undefined || given === null)) {
        issues.push({ path: pathOf(definition.key), message: "Required." });
      }
    }
  }
  if (issues.length === 0 && new TextEncoder().encode(JSON.stringify(values)).length > maxCustomFieldValuesBytes) {
    issues.push({
      path: "body.customFields",
      message: `The custom field values are too large: at most ${maxCustomFieldValuesBytes / 1024} KB in all.`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const searchedKeys = [...usable.values()]
    .filter((definition) => searchedCustomFieldTypes.has(definition.type) && Object.hasOwn(values, definition.key))
    .map((definition) => definition.key);
  return { values, memberReferences, searchedKeys };
}

/** Whether a write must read the definitions: it sets values, or it creates a record (required fields). */
export const needsCustomFieldDefinitions = (input: Record<string, unknown> | undefined, mode: "create" | "update") =>
  mode === "create" || (input !== undefined && Object.keys(input).length > 0);

/** A record a merge takes custom field values from: its id, when it last changed, and its stored values. */
export type MergingRecord = { id: string; updatedAt: string; customFields?: unknown };

const mergePathOf = (key: string) => `body.fields.customFields.${key}`;

/**
 * The custom field values of a merge's survivor, by the rule the merge uses for built-in fields: per field, the
 * value of the record `choices` names (none if it has none); otherwise the survivor's unless it has none, else the
 * most recently updated merged record's. Only active, unarchived fields take values from the merged records (an
 * archived field's values can no longer change: the survivor keeps its own); values of deleted fields are dropped.
 * A choice of an unknown or archived field, clearing a required one, or values too large together is a
 * ValidationError; that a chosen id is in the merge is the request schema's check.
 */
export function mergedCustomFieldValues(
  definitions: readonly CustomFieldDefinition[],
  recordType: CustomFieldRecordType,
  survivor: MergingRecord,
  merged: readonly MergingRecord[],
  choices: Record<string, string> | undefined,
): ValidatedCustomFieldValues {
  const usable = new Map(
    definitions
      .filter((definition) => definition.recordType === recordType && definition.status === "active")
      .map((definition) => [definition.key, definition]),
  );
  const valuesOf = (record: MergingRecord) => (record.customFields ?? {}) as CustomFieldValues;
  const has = (record: MergingRecord, key: string) => Object.hasOwn(valuesOf(record), key);
  const everyone = [survivor, ...merged];
  const newestFirst = merged.toSorted((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const issues: FieldIssue[] = [];
  for (const key of Object.keys(choices ?? {})) {
    const definition = usable.get(key);
    if (!definition) issues.push({ path: mergePathOf(key), message: `No such custom field of a ${recordType}.` });
    else if (definition.archived) {
      issues.push({
        path: mergePathOf(key),
        message: "The custom field is archived: its values can no longer change.",
      });
    }
  }
  const values: CustomFieldValues = {};
  for (const definition of usable.values()) {
    const { key } = definition;
    const chosen = choices && Object.hasOwn(choices, key) ? choices[key] : undefined;
    const giver = definition.archived
      ? survivor
      : chosen !== undefined
        ? everyone.find((record) => record.id === chosen)
        : has(survivor, key)
          ? survivor
          : newestFirst.find((record) => has(record, key));
    if (giver && has(giver, key)) values[key] = valuesOf(giver)[key];
    else if (chosen !== undefined && definition.required) {
      issues.push({ path: mergePathOf(key), message: "Required: the chosen record has no value to give." });
    }
  }
  if (issues.length === 0 && new TextEncoder().encode(JSON.stringify(values)).length > maxCustomFieldValuesBytes) {
    issues.push({
      path: "body.mergedIds",
      message: `Together these records' custom field values are too large: at most ${maxCustomFieldValuesBytes / 1024} KB in all.`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const searchedKeys = [...usable.values()]
    .filter((definition) => searchedCustomFieldTypes.has(definition.type) && Object.hasOwn(values, definition.key))
    .map((definition) => definition.key);
  return { values, memberReferences: [], searchedKeys };
}
