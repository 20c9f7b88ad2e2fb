import {
  type CustomFieldDefinition,
  validateCustomFieldValues,
} from "../../capabilities/custom-fields/custom-field.values";
import { type CreateCompanyInput, createCompanyInput } from "../../domain/company/company.schema";
import { type CreateContactInput, createContactInput } from "../../domain/contact/contact.schema";
import { type CreateDealInput, createDealInput } from "../../domain/deal/deal.schema";
import { type FieldIssue, ValidationError } from "../../platform/errors";
import { fieldIssuesOf } from "../../platform/validation";
import { type ColumnMapping, type ImportRecordType, importFieldOf } from "./column-mapping";
import { customFieldTargetPrefix, customFieldValueOf, importableCustomFields } from "./custom-field-cells";

/** The create schemas the API validates bodies with; an imported row is held to exactly the same rules. */
export const importInputSchemas = {
  contact: createContactInput,
  company: createCompanyInput,
  deal: createDealInput,
} as const;

export type ImportInput = { contact: CreateContactInput; company: CreateCompanyInput; deal: CreateDealInput };

/**
 * A reason a row cannot be imported: `path` as the API reports it for the same body (`body.emails.1`, `body` for
 * the input as a whole), and the CSV column the offending value came from (null when no single column did).
 */
export type RowIssue = FieldIssue & { column: string | null };

export type RowInputResult<T> = { ok: true; input: T } | { ok: false; errors: RowIssue[] };

export type RowInputOptions = {
  /** The currency of amounts in rows without a currency column or cell, e.g. the organisation's. */
  defaultCurrency?: string;
  /** The organisation's custom field definitions, for columns mapped to `customFields.<key>`. */
  customFields?: readonly CustomFieldDefinition[];
};

/** Where a value of the built input came from: its path in the input and the column. */
type Origin = { path: string; column: string };

/**
 * Builds a row's create input from its mapped cells and validates it with the API's create schema. Empty cells are
 * left out; list cells split on `;` or `,`; amounts are read in either decimal style into minor units of the row's
 * currency (its column, else the default). Columns mapped to no importable field are ignored.
 */
export function rowToInput<T extends ImportRecordType>(
  recordType: T,
  mapping: ColumnMapping,
  values: Readonly<Record<string, string>>,
  options: RowInputOptions = {},
): RowInputResult<ImportInput[T]> {
  const input: Record<string, unknown> = {};
  const origins: Origin[] = [];
  const issues: RowIssue[] = [];
  let amount: { cell: string; column: string } | undefined;

  const customFields = new Map(
    importableCustomFields(options.customFields ?? [], recordType).map((definition) => [
      `${customFieldTargetPrefix}${definition.key}`,
      definition,
    ]),
  );
  for (const [column, target] of Object.entries(mapping)) {
    const definition = target === null ? undefined : customFields.get(target);
    if (definition && target !== null) {
      const cell = values[column]?.trim() ?? "";
      if (cell === "" || valueAt(input, target) !== undefined) continue;
      const read = customFieldValueOf(definition, cell, options.defaultCurrency);
      if (read.ok) setAt(input, target, read.value);
      else issues.push({ path: `body.${target}`, column, message: read.message });
      origins.push({ path: target, column });
      continue;
    }
    const descriptor = target === null ? undefined : importFieldOf(recordType, target);
    const cell = values[column]?.trim() ?? "";
    if (descriptor === undefined || cell === "") continue;
    const path = descriptor.field;
    switch (descriptor.cell) {
      case "text":
      case "code":
        if (valueAt(input, path) !== undefined) break; // the mapping schema allows one column; the first wins
        setAt(input, path, descriptor.cell === "code" ? cell.toUpperCase() : cell);
        origins.push({ path, column });
        break;
      case "list": {
        const list = (valueAt(input, path) as string[] | undefined) ?? [];
        if (list.length === 0) origins.push({ path, column });
        for (const item of listItemsOf(cell)) {
          origins.push({ path: `${path}.${list.length}`, column });
          list.push(item);
        }
        setAt(input, path, list);
        break;
      }
      case "amount":
        amount ??= { cell, column };
        break;
    }
  }

  if (amount !== undefined) {
    const [amountPath, currencyPath] = ["value.amount", "value.currency"];
    const currency = (valueAt(input, currencyPath) as string | undefined) ?? options.defaultCurrency?.toUpperCase();
    if (currency === undefined) {
      issues.push({
        path: `body.${currencyPath}`,
        column: Object.entries(mapping).find(([, target]) => target === currencyPath)?.[0] ?? null,
        message: "Give the currency: map a currency column or set a default currency for the import.",
      });
    } else {
      setAt(input, currencyPath, currency);
    }
    const minorUnits = minorUnitsOf(amount.cell, currency);
    if (minorUnits.ok) setAt(input, amountPath, minorUnits.value);
    else issues.push({ path: `body.${amountPath}`, column: amount.column, message: minorUnits.message });
    origins.push({ path: amountPath, column: amount.column });
  }

  if (customFields.size > 0) {
    // The values' own check, as the API makes it (required fields are the create's to check: an update needs none).
    try {
      validateCustomFieldValues(
        options.customFields ?? [],
        recordType,
        input.customFields as Record<string, unknown> | undefined,
        undefined,
        "update",
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const issue of error.issues) issues.push({ ...issue, column: columnOf(issue.path, origins, mapping) });
    }
  }
  const result = importInputSchemas[recordType].safeParse(input);
  if (result.success && issues.length === 0) return { ok: true, input: result.data as ImportInput[T] };
  const schemaIssues = result.success ? [] : fieldIssuesOf("body", result.error.issues);
  // A value that could not even be read is reported once, not again as missing by the schema.
  const unread = (path: string) => issues.some((issue) => path === issue.path || path.startsWith(`${issue.path}.`));
  for (const issue of schemaIssues) {
    if (!unread(issue.path)) issues.push({ ...issue, column: columnOf(issue.path, origins, mapping) });
  }
  return { ok: false, errors: issues };
}

/** The fields whose normalised value finds an existing record: a contact's first email, a company's domain. */
export const dedupeFields = { contact: "emails", company: "domain", deal: null } as const;

/**
 * The key an imported record is matched to existing ones by: a contact's first email and a company's domain,
 * normalised as stored; null for deals and for records without one (they are always created).
 */
export function dedupeKeyOf<T extends ImportRecordType>(recordType: T, input: ImportInput[T]): string | null {
  switch (recordType) {
    case "contact":
      return (input as CreateContactInput).emails?.[0]?.trim().toLowerCase() || null;
    case "company":
      return (input as CreateCompanyInput).domain?.trim().toLowerCase() || null;
    default:
      return null;
  }
}

/** The items of a multi-value cell, split on `;` or `,`, trimmed, empty ones dropped. */
export function listItemsOf(cell: string): string[] {
  return cell
    .split(/[;,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export type MinorUnits = { ok: true; value: number } | { ok: false; message: string };

/**
 * An amount as written in a spreadsheet, in minor units of the currency: `1,234.56` and `1.234,56` are both
 * 123456 cents (the last separator followed by other than three digits is the decimal one), spaces, apostrophes,
 * currency symbols and codes around it are ignored. More decimals than the currency has is refused, not rounded.
 */
export function minorUnitsOf(text: string, currency: string | undefined): MinorUnits {
  const digits = fractionDigitsOf(currency);
  const invalid = { ok: false, message: "Must be an amount such as 1,234.56 or 1.234,56." } as const;
  let written = text.replace(/[\s'’]/gu, "").replace(/^[\p{Sc}\p{L}]+|[\p{Sc}\p{L}]+$/gu, "");
  const negative = /^[-−]/.test(written);
  if (negative) written = written.slice(1).replace(/^[\p{Sc}\p{L}]+/gu, "");
  if (!/^[0-9.,]*[0-9][0-9.,]*$/.test(written)) return invalid;

  const lastDot = written.lastIndexOf(".");
  const lastComma = written.lastIndexOf(",");
  let decimal: "." | "," | null;
  let thousands: "." | "," | null;
  if (lastDot !== -1 && lastComma !== -1) {
    decimal = lastDot > lastComma ? "." : ",";
    thousands = decimal === "." ? "," : ".";
  } else {
    const separator = lastDot !== -1 ? "." : lastComma !== -1 ? "," : null;
    const once = separator !== null && written.indexOf(separator) === written.lastIndexOf(separator);
    const thousandsLike = separator !== null && written.length - written.lastIndexOf(separator) - 1 === 3;
    decimal = once && !(thousandsLike && digits !== 3) ? separator : null;
    thousands = decimal === null ? separator : null;
  }
  const [whole = "", fraction = "", ...more] = decimal === null ? [written] : written.split(decimal);
  if (more.length > 0) return invalid;
  const groups = thousands === null ? [whole] : whole.split(thousands);
  const grouped = groups.length === 1 || groups.slice(1).every((group) => /^[0-9]{3}$/.test(group));
  if (!grouped || !/^[0-9]*$/.test(groups[0] ?? "") || /[.,]/.test(fraction)) return invalid;
  if (fraction.length > digits) {
    const allowed = digits === 0 ? "no decimals" : `at most ${digits} decimals`;
    return { ok: false, message: `Has more decimals than ${currency ?? "the currency"} allows (${allowed}).` };
  }
  const value = Number(`${groups.join("") || "0"}${fraction.padEnd(digits, "0")}`);
  return { ok: true, value: negative ? -value : value };
}

const fractionDigitsByCurrency = new Map<string, number>();

/** The currency's minor-unit digits (2 for EUR, 0 for JPY, 3 for KWD); 2 for an unknown one, which the schema refuses. */
function fractionDigitsOf(currency: string | undefined): number {
  if (currency === undefined) return 2;
  let digits = fractionDigitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // not a well-formed code: the schema reports it on value.currency
    }
    fractionDigitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * The column a reported path's value came from: the value itself or the nearest enclosing one, else one inside it;
 * for a value no cell gave (a required field left empty), the column mapped to it.
 */
function columnOf(reported: string, origins: readonly Origin[], mapping: ColumnMapping): string | null {
  const path = reported === "body" ? "" : reported.slice("body.".length);
  if (path === "") return null;
  let best: Origin | undefined;
  for (const origin of origins) {
    const encloses = path === origin.path || path.startsWith(`${origin.path}.`);
    if (encloses && origin.path.length > (best?.path.length ?? -1)) best = origin;
  }
  if (best) return best.column;
  const inside = (target: string) => target === path || target.startsWith(`${path}.`);
  const given = origins.find((origin) => inside(origin.path));
  if (given) return given.column;
  const mapped = Object.entries(mapping).find(([, target]) => target !== null && inside(target));
  return mapped?.[0] ?? null;
}

function valueAt(input: Record<string, unknown>, path: string): unknown {
  let value: unknown = input;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function setAt(input: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop() as string;
  let target = input;
  for (const key of keys) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[last] = value;
}
