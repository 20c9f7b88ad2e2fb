import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { branchesOf, idPrefixOf, type JsonSchema } from "./route-surface";

/** Where ids come from when a value needs one: a record of the organisation under test, by prefix or record type. */
export type IdSource = {
  byPrefix: (prefix: string) => readonly string[];
  ofType: (type: string) => string | undefined;
};

/** A step into a value: a property, the first item of an array, or a branch of a union. */
export type Step = { property: string } | { item: true } | { branch: number };

/** A place in a body that holds a record id: an id-typed string, or the `id` of a `{ type, id }` reference. */
export type IdField = { steps: Step[]; prefix: string } | { steps: Step[]; referenceTypes: string[] };

const textPattern = "^[^\\p{Cc}]*$";
const unique = () => randomUUID().replaceAll("-", "").slice(0, 10);

function matches(pattern: string | undefined, value: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return true;
  }
}

function patternsOf(schema: JsonSchema): string[] {
  return [schema.pattern, ...(schema.allOf ?? []).map((part) => part.pattern)].filter((pattern): pattern is string =>
    Boolean(pattern),
  );
}

/** The smallest string a schema takes: a real id for an id, the example where there is one, else a unique text. */
function minimalString(schema: JsonSchema, ids: IdSource): string {
  const prefix = idPrefixOf(schema);
  if (prefix) return ids.byPrefix(prefix)[0] ?? `${prefix}_01jd8x4k2q7v3m9t5r1w6y8z0a`;
  const patterns = patternsOf(schema);
  const fits = (value: string) =>
    patterns.every((pattern) => matches(pattern, value)) &&
    value.length >= (schema.minLength ?? 0) &&
    value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
  if (schema.format === "email") return `probe-${unique()}@example.test`;
  if (schema.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
  if (schema.format === "date") return "2030-01-31";
  if (schema.format === "uuid") return randomUUID();
  if (typeof schema.example === "string" && fits(schema.example)) return schema.example;
  const candidates = [`Probe ${unique()}`, `probe${unique()}`, "x".repeat(Math.max(1, schema.minLength ?? 1))];
  const found = candidates.map((value) => value.slice(0, schema.maxLength ?? value.length)).find(fits);
  if (found) return found;
  const generated = patterns.find((pattern) => pattern !== textPattern);
  if (generated) {
    const [sample] = fc.sample(fc.stringMatching(new RegExp(generated)).filter(fits), { numRuns: 1, seed: 1 });
    if (sample !== undefined) return sample;
  }
  return "x";
}

function minimalNumber(schema: JsonSchema): number {
  const low = schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : schema.exclusiveMinimum + 1);
  const high = schema.maximum ?? (schema.exclusiveMaximum === undefined ? undefined : schema.exclusiveMaximum - 1);
  const value = Math.max(low ?? 1, Math.min(1, high ?? 1));
  return high !== undefined && value > high ? high : value;
}

type Build = { ids: IdSource; leaf?: (value: unknown) => unknown; extra?: string | undefined; nested?: boolean };

/**
 * The smallest valid-looking value of a schema (required properties only, the first non-null branch, the n-th enum
 * value in an array's n-th item, so that items differ), following `path` where given: along it, the named property is
 * present, the union takes the named branch and the array has an item, and `leaf` replaces the value at its end.
 * `extra` names one optional top-level property to include as well (with an item, if it is an array). The caller
 * checks the result against the zod schema: refinements are not in the JSON Schema (see `validValue`).
 */
export function minimalValue(schema: JsonSchema, ids: IdSource, path: Step[] = [], leaf?: (value: unknown) => unknown) {
  return buildValue(schema, path, true, 0, { ids, ...(leaf ? { leaf } : {}) });
}

function buildValue(node: JsonSchema, path: Step[], onPath: boolean, variant: number, options: Build): unknown {
  const value = buildNode(node, path, onPath, variant, options);
  return onPath && path.length === 0 && options.leaf ? options.leaf(value) : value;
}

function buildNode(node: JsonSchema, path: Step[], onPath: boolean, variant: number, options: Build): unknown {
  const [step, ...next] = onPath ? path : [];
  if (node.const !== undefined) return node.const;
  if (node.enum) return node.enum[variant % node.enum.length];
  if (node.anyOf || node.oneOf) {
    const branches = branchesOf(node);
    if (step && "branch" in step) return buildValue(branches[step.branch] as JsonSchema, next, true, variant, options);
    const chosen = branches.find((branch) => branch.type !== "null") ?? (branches[0] as JsonSchema);
    return buildValue(chosen, path, onPath, variant, options);
  }
  switch (node.type) {
    case "null":
      return null;
    case "boolean":
      return false;
    case "integer":
    case "number":
      return minimalNumber(node);
    case "string":
      return minimalString(node, options.ids);
    case "array": {
      const count = Math.max(node.minItems ?? 0, step && "item" in step ? 1 : 0);
      return Array.from({ length: count }, (_, index) =>
        buildValue(node.items ?? {}, index === 0 ? next : [], index === 0 && Boolean(step), index, options),
      );
    }
    case "object":
    case undefined: {
      if (!node.properties) return node.type === "object" ? {} : "x";
      const wanted = step && "property" in step ? step.property : undefined;
      const extra = options.extra;
      const object: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(node.properties)) {
        const inside = { ...options, extra: undefined, nested: true };
        if (name === wanted) object[name] = buildValue(child, next, true, variant, inside);
        else if (node.required?.includes(name)) {
          object[name] = buildValue(child, [], false, variant, inside);
        } else if (variant > 0 && child.enum) {
          object[name] = buildValue(child, [], false, variant, options);
        } else if (name === extra) {
          const withItem = child.type === "array" ? [{ item: true } as Step] : [];
          object[name] = buildValue(child, withItem, true, variant, { ids: options.ids, nested: true });
        }
      }
      // A nested object with nothing required (the `changes` of a batch entry) says something: its first field.
      const [first] = Object.entries(node.properties);
      if (Object.keys(object).length === 0 && options.nested && first) {
        object[first[0]] = buildValue(first[1], [], false, variant, options);
      }
      // A `{ type, id }` reference: the id of a real record of the chosen type.
      const isReference = typeof object.type === "string" && typeof object.id === "string";
      if (isReference && wanted !== "id" && !idPrefixOf(node.properties.id ?? {})) {
        object.id = options.ids.ofType(object.type as string) ?? object.id;
      }
      return object;
    }
  }
  return undefined;
}

/**
 * A value that passes `accepts` (the route's zod schema): the minimal one, or the minimal one with one optional
 * top-level property added, for the refinements JSON Schema cannot say ("give at least one field", "link it to
 * something"). Undefined when none passes.
 */
export function validValue(
  schema: JsonSchema,
  ids: IdSource,
  accepts: (value: unknown) => boolean,
  path: Step[] = [],
  leaf?: (value: unknown) => unknown,
): unknown {
  const optional = Object.keys(schema.properties ?? {}).filter((name) => !schema.required?.includes(name));
  for (const extra of [undefined, ...optional]) {
    const value = buildValue(schema, path, true, 0, { ids, ...(leaf ? { leaf } : {}), ...(extra ? { extra } : {}) });
    if (accepts(value)) return value;
  }
  return undefined;
}

/** Every place in a schema that holds a record id, with the steps to reach it. */
export function idFieldsOf(schema: JsonSchema): IdField[] {
  const found: IdField[] = [];
  const walk = (node: JsonSchema, steps: Step[], depth: number) => {
    if (depth > 12) return;
    const prefix = idPrefixOf(node);
    if (prefix) found.push({ steps, prefix });
    if (node.anyOf || node.oneOf) {
      branchesOf(node).forEach((branch, index) => {
        walk(branch, [...steps, { branch: index }], depth + 1);
      });
    }
    if (node.items) walk(node.items, [...steps, { item: true }], depth + 1);
    const properties = node.properties ?? {};
    const referenceTypes = properties.type?.enum ?? (properties.type?.const ? [properties.type.const] : undefined);
    if (referenceTypes && properties.id && !idPrefixOf(properties.id)) {
      found.push({ steps: [...steps, { property: "id" }], referenceTypes: referenceTypes as string[] });
    }
    for (const [name, child] of Object.entries(properties)) walk(child, [...steps, { property: name }], depth + 1);
  };
  walk(schema, [], 0);
  return found;
}

/** Every object in a schema with its steps: where a server-owned field could be slipped in. */
export function objectsOf(schema: JsonSchema): { steps: Step[]; node: JsonSchema }[] {
  const found: { steps: Step[]; node: JsonSchema }[] = [];
  const walk = (node: JsonSchema, steps: Step[], depth: number) => {
    if (depth > 12) return;
    if (node.properties) found.push({ steps, node });
    if (node.anyOf || node.oneOf) {
      branchesOf(node).forEach((branch, index) => {
        walk(branch, [...steps, { branch: index }], depth + 1);
      });
    }
    if (node.items) walk(node.items, [...steps, { item: true }], depth + 1);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      walk(child, [...steps, { property: name }], depth + 1);
    }
  };
  walk(schema, [], 0);
  return found;
}

/** The problem-details path of a place: `body.items.0.changes.ownerId` (branches are not part of it). */
export function pathOf(location: "body" | "query", steps: Step[]): string {
  return [
    location,
    ...steps.flatMap((step) => ("property" in step ? [step.property] : "item" in step ? ["0"] : [])),
  ].join(".");
}

/** Sets an own, enumerable property even when it is named `__proto__`. */
export function defineField(object: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}
