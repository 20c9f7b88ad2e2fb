import { z } from "zod";
import type { FieldIssue } from "../../platform/errors";
import { allOf } from "../../platform/paging";
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

/** `?filter=` of one list: the grammar, the fields its catalogue offers with their kinds, and an example of them. */
export function filterParameterOf(catalogue: FilterCatalogue, example: Filter) {
  const fields = Object.entries(catalogue).map(([field, spec]) => `${field} (${spec.kind})`);
  return z
    .string()
    .max(4000)
    .meta({
      description: `${filterQueryParameter.description} The fields: ${fields.join(", ")}.`,
      example: JSON.stringify(example),
    });
}

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
  /** The same filter evaluated in memory on a record's fields by name (see evaluateFilter). */
  evaluate: (values: Readonly<Record<string, unknown>>) => FilterEvaluation;
};

/** A condition as checked against its catalogue: its value parsed for the field's kind (folded, in UTC). */
type CheckedCondition = { field: string; spec: FilterField; op: FilterOperator; value: unknown };

// Timestamps are stored as UTC ISO strings, which order as text: a value with an offset is compared in UTC too.
const scalarValue = (kind: FieldKind) =>
  kind === "number"
    ? z.number().finite()
    : kind === "boolean"
      ? z.boolean()
      : kind === "date"
        ? z.iso.date("Must be a date, YYYY-MM-DD.")
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
  if (op === "between") {
    // DynamoDB refuses a BETWEEN whose low end is above its high end: a 400 here rather than its error.
    return z.tuple([one, one]).refine(([low, high]) => (compare(low, high) ?? 0) <= 0, {
      message: "The low end of the range must not be above its high end.",
    });
  }
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
  type Checked = CheckedCondition;
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
  return { filter: { where, required, evaluate: (values) => evaluateChecked(checked, values) } };
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

/** Why a filter holds or not for one record: a line per condition, group by group. */
export type FilterEvaluation = { holds: boolean; reasons: string[] };

const isAbsent = (value: unknown) => value === undefined || value === null;

/** A field's value by name; a dotted name (`customFields.tier`) reaches into an object field. */
function fieldValue(values: Readonly<Record<string, unknown>>, field: string): unknown {
  if (field in values) return values[field];
  return field
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined,
      values,
    );
}

const utf8 = new TextEncoder();

/** DynamoDB's order: numbers by value, strings by their UTF-8 bytes, values of different types not at all. */
function compare(actual: unknown, value: unknown): number | undefined {
  if (typeof actual === "number" && typeof value === "number") return actual - value;
  if (typeof actual !== "string" || typeof value !== "string") return undefined;
  const [left, right] = [utf8.encode(actual), utf8.encode(value)];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] as number) - (right[index] as number);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** Whether one checked condition holds for a value, as its FilterExpression would on the stored attribute. */
function conditionHolds({ spec, op, value }: CheckedCondition, actual: unknown): boolean {
  const list = spec.kind === "list";
  const items = Array.isArray(actual) ? (actual as unknown[]) : undefined;
  const ordered = (test: (order: number) => boolean) => {
    const order = compare(actual, value);
    return order !== undefined && test(order);
  };
  switch (op) {
    case "eq":
      return !isAbsent(actual) && actual === value;
    case "neq":
      return isAbsent(actual) || actual !== value;
    case "in":
      return (value as unknown[]).some((each) => (list ? (items?.includes(each) ?? false) : actual === each));
    case "lt":
      return ordered((order) => order < 0);
    case "lte":
      return ordered((order) => order <= 0);
    case "gt":
      return ordered((order) => order > 0);
    case "gte":
      return ordered((order) => order >= 0);
    case "between": {
      const [low, high] = value as [unknown, unknown];
      const fromLow = compare(actual, low);
      const toHigh = compare(actual, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case "contains":
      return list ? (items?.includes(value) ?? false) : typeof actual === "string" && actual.includes(value as string);
    case "startsWith":
      return typeof actual === "string" && actual.startsWith(value as string);
    case "isEmpty":
      return isAbsent(actual) || (list && items?.length === 0);
    case "isNotEmpty":
      return !isAbsent(actual) && !(list && items?.length === 0);
    default:
      return op satisfies never;
  }
}

const shown = (value: unknown) => (value === undefined ? "null" : JSON.stringify(value));

function evaluateChecked(groups: CheckedCondition[][], values: Readonly<Record<string, unknown>>): FilterEvaluation {
  const reasons: string[] = [];
  const outcomes = groups.map((conditions, index) => {
    const group = groups.length > 1 ? `group ${index + 1}: ` : "";
    const results = conditions.map((condition) => {
      const actual = condition.spec.path
        ? condition.spec.path.reduce<unknown>(
            (value, key) =>
              value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined,
            values[condition.spec.attribute],
          )
        : fieldValue(values, condition.field);
      const holds = conditionHolds(condition, actual);
      const expected = condition.value === undefined ? "" : ` ${shown(condition.value)}`;
      reasons.push(
        `${holds ? "✓" : "✗"} ${group}${condition.field} ${condition.op}${expected} (it is ${shown(actual)})`,
      );
      return holds;
    });
    return results.every(Boolean);
  });
  return { holds: outcomes.some(Boolean), reasons };
}

/**
 * Checks a filter against a catalogue and evaluates it in memory on a record's fields (by name, as the API answers
 * them), with the semantics of its FilterExpression: the same filter keeps the same records in a list and here.
 */
export function evaluateFilter(
  catalogue: FilterCatalogue,
  filter: Filter,
  values: Readonly<Record<string, unknown>>,
): FilterEvaluation | { issues: FieldIssue[] } {
  const compiled = compileFilter(catalogue, filter);
  return "issues" in compiled ? compiled : compiled.filter.evaluate(values);
}

/** A condition of a list's own query parameter (`?ownerId=`, `?tag=`); one without a value is not applied. */
export type ListCondition = { attribute: string; op: "eq" | "contains"; value: string | undefined };

/**
 * The where-callback of a list: its own parameters' conditions and its compiled `?filter=`, ANDed (an `or` filter
 * parenthesised next to the others), or undefined when neither narrows the list.
 */
export function listWhere(
  filter: CompiledFilter | undefined,
  own: ListCondition[] = [],
): ((attributes: Record<string, unknown>, operations: Operations) => string) | undefined {
  const applied = own.filter((condition) => condition.value !== undefined);
  if (applied.length === 0 && filter === undefined) return undefined;
  return (attributes, operations) =>
    allOf([
      ...applied.map(({ attribute, op, value }) =>
        op === "eq" ? operations.eq(attributes[attribute], value) : operations.contains(attributes[attribute], value),
      ),
      filter ? filter.where(attributes, operations, { alongsideOthers: applied.length > 0 }) : null,
    ]);
}
