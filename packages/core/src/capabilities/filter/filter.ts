import { z } from "zod";
import type { FieldIssue } from "../../platform/errors";
import { invalidInput } from "../../platform/validation";

/**
 * One filter grammar for the lists: conditions `{ field, op, value }`, all of a group (`and`) must hold, any group of
 * `or` may (HubSpot's filter groups: up to 5 groups of up to 6 conditions). It compiles into a DynamoDB
 * FilterExpression on the index the list reads, so paging stays exact and a page's cost stays bounded (see readPage).
 */
export const filterOperators = [
  "eq",
  "neq",
  "in",
  "lt",
  "lte",
  "gt",
  "gte",
  "between",
  "contains",
  "startsWith",
  "isEmpty",
  "isNotEmpty",
] as const;
export type FilterOperator = (typeof filterOperators)[number];

export const maxFilterGroups = 5;
export const maxConditionsPerGroup = 6;
const maxInValues = 20;

const condition = z.strictObject({
  field: z.string().min(1).max(100),
  op: z.enum(filterOperators),
  value: z.unknown().optional(),
});
export type FilterCondition = z.infer<typeof condition>;
const group = z.strictObject({ and: z.array(condition).min(1).max(maxConditionsPerGroup) });
const grouped = z.strictObject({ or: z.array(group).min(1).max(maxFilterGroups) });
export const filterSchema = z.union([grouped, group]);
export type Filter = z.infer<typeof filterSchema>;

/** `?filter=`: the filter as JSON in the query string. */
export const filterQueryParameter = z.string().max(4000).meta({
  description:
    'A filter as JSON: `{"and": [conditions]}` or `{"or": [{"and": [conditions]}, …]}` (at most 5 groups of 6). A condition is `{"field", "op", "value"}` with `op` one of eq, neq, in (a list of up to 20), lt, lte, gt, gte, between (`[low, high]`), contains (text, or an item of a list), startsWith, isEmpty, isNotEmpty (no value). Text compares case-sensitively except emails and tags, which are stored lower-cased. `customFields.<key>` names a custom field of the record type (not archived), compared as its type says (a currency by its amount in minor units, `customFields.<key>.currency` by its code).',
  example:
    '{"and":[{"field":"tags","op":"contains","value":"vip"},{"field":"createdAt","op":"gte","value":"2026-01-01T00:00:00.000Z"}]}',
});

/** What a list lets its filter name: the kind of each field and the attribute that holds it. */
export type FieldKind = "text" | "id" | "timestamp" | "number" | "list" | "date" | "boolean";
/**
 * `path`: the field is a property inside a map attribute (a custom field's value is `customFields.<key>`, a
 * currency's amount `customFields.<key>.amount`), addressed as a nested document path.
 */
export type FilterField = { kind: FieldKind; attribute: string; path?: readonly string[]; folded?: true };
export type FilterCatalogue = Readonly<Record<string, FilterField>>;

const operatorsByKind: Record<FieldKind, readonly FilterOperator[]> = {
  text: filterOperators,
  id: ["eq", "neq", "in", "isEmpty", "isNotEmpty"],
  timestamp: ["eq", "neq", "lt", "lte", "gt", "gte", "between", "isEmpty", "isNotEmpty"],
  number: ["eq", "neq", "in", "lt", "lte", "gt", "gte", "between", "isEmpty", "isNotEmpty"],
  list: ["contains", "in", "isEmpty", "isNotEmpty"],
  date: ["eq", "neq", "lt", "lte", "gt", "gte", "between", "isEmpty", "isNotEmpty"],
  boolean: ["eq", "neq", "isEmpty", "isNotEmpty"],
};

/** The prefix of a custom field's name in a filter: `customFields.<key>`. */
export const customFieldFilterPrefix = "customFields.";

/** ElectroDB's where-operations, as far as filters use them. */
type Operations = {
  eq: (attribute: unknown, value: unknown) => string;
  ne: (attribute: unknown, value: unknown) => string;
  lt: (attribute: unknown, value: unknown) => string;
  lte: (attribute: unknown, value: unknown) => string;
  gt: (attribute: unknown, value: unknown) => string;
  gte: (attribute: unknown, value: unknown) => string;
  between: (attribute: unknown, low: unknown, high: unknown) => string;
  begins: (attribute: unknown, value: unknown) => string;
  contains: (attribute: unknown, value: unknown) => string;
  exists: (attribute: unknown) => string;
  notExists: (attribute: unknown) => string;
};
/** The filter as a where-expression; `alongsideOthers` when the list ANDs it with conditions of its own. */
export type FilterExpression = (
  attributes: Record<string, unknown>,
  operations: Operations,
  options?: { alongsideOthers?: boolean },
) => string;

export type CompiledFilter = {
  where: FilterExpression;
  /** The value of an `eq` every group requires on a field, which an index of that field can serve instead. */
  required: (field: string) => string | undefined;
};

// Timestamps are stored as UTC ISO strings, which order as text: a value with an offset is compared in UTC too.
const scalarValue = (kind: FieldKind) =>
  kind === "date"
    ? z.iso.date("Must be a date, YYYY-MM-DD.")
    : kind === "boolean"
      ? z.boolean()
      : scalarOfBuiltInKind(kind);
const scalarOfBuiltInKind = (kind: FieldKind) =>
  kind === "number"
    ? z.number().finite()
    : kind === "timestamp"
      ? z.iso
          .datetime({ offset: true })
          .transform((value) => new Date(value).toISOString())
          .or(z.iso.date())
      : z.string().min(1).max(200);

/** The value schema of a condition: none, a list, a pair or one value, as its operator takes. */
function valueSchema(kind: FieldKind, op: FilterOperator) {
  if (op === "isEmpty" || op === "isNotEmpty") return z.undefined({ error: "This operator takes no value." });
  const one = scalarValue(kind === "list" || kind === "id" ? "text" : kind);
  if (op === "in") return z.array(one).min(1).max(maxInValues);
  if (op === "between") return z.tuple([one, one]);
  return one;
}

/**
 * Checks a filter against the fields a list offers and compiles it; the issues name their place under `path`
 * (`query.filter.or.0.and.1.value`), as every other invalid field does.
 */
export function compileFilter(
  catalogue: FilterCatalogue,
  filter: Filter,
  path = "query.filter",
): { filter: CompiledFilter } | { issues: FieldIssue[] } {
  const groups = "or" in filter ? filter.or : [filter];
  const groupPath = (index: number) => ("or" in filter ? `${path}.or.${index}.and` : `${path}.and`);
  const issues: FieldIssue[] = [];
  type Checked = { field: string; spec: FilterField; op: FilterOperator; value: unknown };
  const checked: Checked[][] = groups.map((each, groupIndex) =>
    each.and.flatMap((conditionOf, index): Checked[] => {
      const at = `${groupPath(groupIndex)}.${index}`;
      const spec = catalogue[conditionOf.field];
      if (!spec && conditionOf.field.startsWith(customFieldFilterPrefix)) {
        issues.push({
          path: `${at}.field`,
          message: `No custom field "${conditionOf.field.slice(customFieldFilterPrefix.length)}" of this record type to filter on (archived and deleted fields are not filters); see GET …/custom-fields.`,
        });
        return [];
      }
      if (!spec) {
        issues.push({
          path: `${at}.field`,
          message: `Not a field this list filters on; one of: ${Object.keys(catalogue).join(", ")}.`,
        });
        return [];
      }
      if (!operatorsByKind[spec.kind].includes(conditionOf.op)) {
        issues.push({
          path: `${at}.op`,
          message: `${conditionOf.field} takes ${operatorsByKind[spec.kind].join(", ")}.`,
        });
        return [];
      }
      const parsed = valueSchema(spec.kind, conditionOf.op).safeParse(conditionOf.value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          issues.push({ path: [`${at}.value`, ...issue.path.map(String)].join("."), message: issue.message });
        }
        return [];
      }
      const fold = (value: unknown) => (spec.folded && typeof value === "string" ? value.toLowerCase() : value);
      const value = Array.isArray(parsed.data) ? parsed.data.map(fold) : fold(parsed.data);
      return [{ field: conditionOf.field, spec, op: conditionOf.op, value }];
    }),
  );
  if (issues.length > 0) return { issues };

  // DynamoDB refuses redundant parentheses (ElectroDB already wraps the whole expression in one pair), so an
  // expression is parenthesised only where AND would otherwise bind into an OR.
  type Part = { text: string; joins: "or" | "and" | null };
  const anyOf = (texts: string[]): Part =>
    texts.length === 1 ? { text: texts[0] as string, joins: null } : { text: texts.join(" OR "), joins: "or" };
  const allOfParts = (parts: Part[]): Part =>
    parts.length === 1
      ? (parts[0] as Part)
      : { text: parts.map((part) => (part.joins === "or" ? `(${part.text})` : part.text)).join(" AND "), joins: "and" };
  const where: FilterExpression = (attributes, operations, options = {}) => {
    const partOf = ({ spec, op, value }: Checked): Part => {
      const attribute = (spec.path ?? []).reduce(
        (parent, property) => (parent as Record<string, unknown>)[property],
        attributes[spec.attribute],
      );
      const { eq, ne, lt, lte, gt, gte, between, begins, contains, exists, notExists } = operations;
      const list = spec.kind === "list";
      const atom = (text: string): Part => ({ text, joins: null });
      switch (op) {
        case "eq":
          return atom(eq(attribute, value));
        case "neq":
          // A record without the field is not equal to the value either.
          return anyOf([notExists(attribute), ne(attribute, value)]);
        case "in":
          return anyOf((value as unknown[]).map((each) => (list ? contains(attribute, each) : eq(attribute, each))));
        case "lt":
          return atom(lt(attribute, value));
        case "lte":
          return atom(lte(attribute, value));
        case "gt":
          return atom(gt(attribute, value));
        case "gte":
          return atom(gte(attribute, value));
        case "between": {
          const [low, high] = value as [unknown, unknown];
          return atom(between(attribute, low, high));
        }
        case "contains":
          return atom(contains(attribute, value));
        case "startsWith":
          return atom(begins(attribute, value));
        case "isEmpty":
          return list ? anyOf([notExists(attribute), eq(attribute, [])]) : atom(notExists(attribute));
        case "isNotEmpty":
          return list ? allOfParts([atom(exists(attribute)), atom(ne(attribute, []))]) : atom(exists(attribute));
        default:
          return op satisfies never;
      }
    };
    const groupsOfParts = checked.map((conditions) => allOfParts(conditions.map(partOf)));
    // AND binds tighter than OR: the groups need no parentheses of their own.
    const whole =
      groupsOfParts.length === 1 ? (groupsOfParts[0] as Part) : anyOf(groupsOfParts.map((part) => part.text));
    return options.alongsideOthers && whole.joins === "or" ? `(${whole.text})` : whole.text;
  };
  const required = (field: string) => {
    const values = checked.map(
      (conditions) => conditions.find((each) => each.field === field && each.op === "eq")?.value as string | undefined,
    );
    const [first] = values;
    return first !== undefined && values.every((value) => value === first) ? first : undefined;
  };
  return { filter: { where, required } };
}

/** `?filter=` as JSON, checked and compiled for a list's catalogue; the issues name `query.filter…`. */
export function parseFilterParameter(
  catalogue: FilterCatalogue,
  text: string,
): { filter: CompiledFilter } | { issues: FieldIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { issues: [{ path: "query.filter", message: "Must be a filter written as JSON." }] };
  }
  const parsed = filterSchema.safeParse(json);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) => ({
        path: ["query.filter", ...issue.path.map(String)].join("."),
        message: issue.message,
      })),
    };
  }
  return compileFilter(catalogue, parsed.data);
}

/** The compiled `?filter=` of a list, or undefined without one; a bad filter is a 400 naming its place. */
export function filterOf(catalogue: FilterCatalogue, text: string | undefined): CompiledFilter | undefined {
  if (text === undefined) return undefined;
  const compiled = parseFilterParameter(catalogue, text);
  if ("issues" in compiled) throw invalidInput(compiled.issues);
  return compiled.filter;
}
