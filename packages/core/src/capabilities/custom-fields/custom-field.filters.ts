import {
  customFieldFilterPrefix,
  type Filter,
  type FilterCatalogue,
  type FilterField,
  filterSchema,
} from "../filter/filter";
import type { CustomFieldRecordType, CustomFieldType } from "./custom-field.constants";
import { customFieldDefinitionsOf } from "./custom-field.service";
import type { CustomFieldDefinition } from "./custom-field.values";

/** How a filter compares a custom field's value, by the field's type. */
const filterKindOf: Record<CustomFieldType, Pick<FilterField, "kind" | "folded">> = {
  text: { kind: "text" },
  longText: { kind: "text" },
  url: { kind: "text" },
  phone: { kind: "text" },
  // Stored lower-cased, so compared so.
  email: { kind: "text", folded: true },
  number: { kind: "number" },
  currency: { kind: "number" },
  date: { kind: "date" },
  dateTime: { kind: "timestamp" },
  boolean: { kind: "boolean" },
  singleSelect: { kind: "id" },
  member: { kind: "id" },
  multiSelect: { kind: "list" },
};

/**
 * The filter fields of a record type's active, unarchived custom fields: `customFields.<key>` (a currency's amount
 * in minor units) and, for a currency, `customFields.<key>.currency`. Values live in the record's `customFields`
 * map, so each field is a nested path in it.
 */
export function customFieldFilterFields(
  definitions: readonly Pick<CustomFieldDefinition, "recordType" | "key" | "type" | "archived" | "status">[],
  recordType: CustomFieldRecordType,
): FilterCatalogue {
  const catalogue: Record<string, FilterField> = {};
  for (const definition of definitions) {
    if (definition.recordType !== recordType || definition.archived || definition.status !== "active") continue;
    const name = `${customFieldFilterPrefix}${definition.key}`;
    const kind = filterKindOf[definition.type];
    if (definition.type === "currency") {
      catalogue[name] = { ...kind, attribute: "customFields", path: [definition.key, "amount"] };
      catalogue[`${name}.currency`] = { kind: "id", attribute: "customFields", path: [definition.key, "currency"] };
    } else {
      catalogue[name] = { ...kind, attribute: "customFields", path: [definition.key] };
    }
  }
  return catalogue;
}

/** Whether a filter (as JSON text or parsed) names a custom field; a malformed one names none. */
function namesCustomField(filter: Filter | string): boolean {
  let parsed: Filter;
  if (typeof filter === "string") {
    let json: unknown;
    try {
      json = JSON.parse(filter);
    } catch {
      return false;
    }
    const result = filterSchema.safeParse(json);
    if (!result.success) return false;
    parsed = result.data;
  } else {
    parsed = filter;
  }
  const groups = "or" in parsed ? parsed.or : [parsed];
  return groups.some((group) => group.and.some((each) => each.field.startsWith(customFieldFilterPrefix)));
}

/**
 * A list's filter catalogue with the organisation's custom fields of the record type added: the definitions are
 * read (one Query) only when the filter names a `customFields.<key>`, so other filtered lists cost nothing more.
 */
export async function filterFieldsWithCustomFields(
  orgId: string,
  recordType: CustomFieldRecordType,
  catalogue: FilterCatalogue,
  filter: Filter | string | undefined,
): Promise<FilterCatalogue> {
  if (filter === undefined || !namesCustomField(filter)) return catalogue;
  return { ...catalogue, ...customFieldFilterFields(await customFieldDefinitionsOf(orgId), recordType) };
}
