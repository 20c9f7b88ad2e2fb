import type { CustomFieldRecordType } from "../../capabilities/custom-fields/custom-field.constants";
import type { CustomFieldDefinition } from "../../capabilities/custom-fields/custom-field.values";
import { normalisedHeader } from "./column-mapping";
import { listItemsOf, minorUnitsOf } from "./row-input";

/** A mapping target naming a custom field: `customFields.<key>`. */
export const customFieldTargetPrefix = "customFields.";

/** The custom fields an import may fill for a record type: its active, unarchived definitions. */
export function importableCustomFields<T extends Pick<CustomFieldDefinition, "recordType" | "archived" | "status">>(
  definitions: readonly T[],
  recordType: CustomFieldRecordType,
): T[] {
  return definitions.filter(
    (definition) => definition.recordType === recordType && !definition.archived && definition.status === "active",
  );
}

export type CellValue = { ok: true; value: unknown } | { ok: false; message: string };

const truths = new Set(["true", "yes", "y", "1", "ja", "oui", "si", "sí", "wahr", "x"]);
const falsehoods = new Set(["false", "no", "n", "0", "nein", "non", "falsch"]);

/** A number as a spreadsheet writes it: `12.5`, `12,5`, `1,234.5`, `-3`; null when it is none. */
function numberOf(cell: string): number | null {
  const written = cell.replace(/[\s'’]/gu, "");
  if (/^[-+]?\d+$/.test(written)) return Number(written);
  const decimal = /^[-+]?\d{1,3}(,\d{3})*(\.\d+)?$/.test(written)
    ? written.replace(/,/g, "")
    : /^[-+]?\d{1,3}(\.\d{3})*(,\d+)?$/.test(written)
      ? written.replace(/\./g, "").replace(",", ".")
      : /^[-+]?\d*[.,]\d+$/.test(written)
        ? written.replace(",", ".")
        : null;
  return decimal === null ? null : Number(decimal);
}

/** An unarchived option of a select by its id or its label (case, accents and spacing ignored). */
function optionOf(definition: CustomFieldDefinition, item: string): string | undefined {
  const options = definition.options.filter((option) => !option.archived);
  const folded = normalisedHeader(item);
  return (
    options.find((option) => option.id === item) ?? options.find((option) => normalisedHeader(option.label) === folded)
  )?.id;
}

const labelsOf = (definition: CustomFieldDefinition) =>
  definition.options
    .filter((option) => !option.archived)
    .map((option) => option.label)
    .join(", ");

/**
 * A CSV cell as a custom field's value, read as the field's type says: numbers in either decimal style, currency
 * amounts into minor units (of the cell's code, the field's currency or the import's default), booleans from
 * yes/no words, select options by id or label, multi selects split on `;` or `,`. Texts, dates, date-times, urls,
 * emails, phones and member ids are passed as written: the values' own check (the API's) judges them.
 */
export function customFieldValueOf(
  definition: CustomFieldDefinition,
  cell: string,
  defaultCurrency: string | undefined,
): CellValue {
  switch (definition.type) {
    case "number": {
      const value = numberOf(cell);
      return value === null ? { ok: false, message: "Must be a number such as 12.5 or 1,234.5." } : { ok: true, value };
    }
    case "currency": {
      const code = /(?:^|[^A-Za-z])([A-Z]{3})(?:$|[^A-Za-z])/.exec(cell)?.[1];
      const currency = code ?? definition.currency ?? defaultCurrency?.toUpperCase();
      if (currency === undefined) {
        return {
          ok: false,
          message: "Give the currency: in the cell (EUR 12.50) or as the import's default currency.",
        };
      }
      const amount = minorUnitsOf(cell, currency);
      return amount.ok ? { ok: true, value: { amount: amount.value, currency } } : amount;
    }
    case "boolean": {
      const word = cell.toLowerCase();
      if (truths.has(word)) return { ok: true, value: true };
      if (falsehoods.has(word)) return { ok: true, value: false };
      return { ok: false, message: "Must be yes or no (true/false, 1/0)." };
    }
    case "singleSelect": {
      const id = optionOf(definition, cell);
      return id
        ? { ok: true, value: id }
        : { ok: false, message: `Must be one of the options: ${labelsOf(definition)}.` };
    }
    case "multiSelect": {
      const ids: string[] = [];
      for (const item of listItemsOf(cell)) {
        const id = optionOf(definition, item);
        if (!id) return { ok: false, message: `"${item}" is none of the options: ${labelsOf(definition)}.` };
        if (!ids.includes(id)) ids.push(id);
      }
      return { ok: true, value: ids };
    }
    default:
      return { ok: true, value: cell };
  }
}
