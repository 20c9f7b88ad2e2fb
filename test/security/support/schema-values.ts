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

/**
 * The smallest string a schema takes: a real id for an id (the next one of its kind in this value, so that two id
 * fields of one body, a merge's survivor and merged, name different records), the example where there is one, else a
 * unique text.
 */
function minimalString(schema: JsonSchema, options: Build): string {
  const { ids } = options;
  const prefix = idPrefixOf(schema);
  if (prefix) {
    const known = ids.byPrefix(prefix);
    const used = options.idsUsed.get(prefix) ?? 0;
    options.idsUsed.set(prefix, used + 1);
    return known[used % Math.max(1, known.length)] ?? `${prefix}_01jd8x4k2q7v3m9t5r1w6y8z0a`;
  }
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

type Build = {
  ids: IdSource;
  /** How many ids of each prefix this value has taken so far: the next id field takes the next one. */
  idsUsed: Map<string, number>;
  leaf?: (value: unknown) => unknown;
  extra?: string | undefined;
  nested?: boolean;
};

/**
 * The smallest valid-looking value of a schema (required properties only, the first non-null branch, the n-th enum
 * value in an array's n-th item, so that items differ), following `path` where given: along it, the named property is
 * present, the union takes the named branch and the array has an item, and `leaf` replaces the value at its end.
 * `extra` names one optional top-level property to include as well (with an item, if it is an array). The caller
 * checks the result against the zod schema: refinements are not in the JSON Schema (see `validValue`).
 */
export function minimalValue(schema: JsonSchema, ids: IdSource, path: Step[] = [], leaf?: (value: unknown) => unknown) {
  return buildValue(schema, path, true, 0, { ids, idsUsed: new Map(), ...(leaf ? { leaf } : {}) });
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
      return minimalString(node, options);
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
          object[name] = buildValue(child, withItem, true, variant, {
            ...options,
            leaf: undefined,
            extra: undefined,
            nested: true,
          });
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
    const value = buildValue(schema, path, true, 0, {
      ids,
      idsUsed: new Map(),
      ...(leaf ? { leaf } : {}),
      ...(extra ? { extra } : {}),
    });
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

/**
 * Valid-looking values of a schema for the fuzzer: ids from `ids` (both organisations') or well-formed unknown ones,
 * boundary numbers and lengths, any enum value, optional properties present or not, short arrays.
 */
export function arbitraryOf(schema: JsonSchema, ids: IdSource, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 10) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf || schema.oneOf)
    return fc.oneof(...branchesOf(schema).map((branch) => arbitraryOf(branch, ids, depth)));
  switch (schema.type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = Math.max(schema.minimum ?? -1_000_000, -1_000_000_000);
      const max = Math.min(schema.maximum ?? 1_000_000, 1_000_000_000);
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));
    }
    case "number": {
      const min = Math.max(schema.minimum ?? -1e9, -1e12);
      const max = Math.min(schema.maximum ?? 1e9, 1e12);
      return fc.oneof(fc.constantFrom(min, max), fc.double({ min, max, noNaN: true }));
    }
    case "string":
      return stringArbitrary(schema, ids);
    case "array": {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(arbitraryOf(schema.items ?? {}, ids, depth + 1), { minLength, maxLength });
    }
    case "object":
    case undefined: {
      if (!schema.properties) {
        return schema.type === "object"
          ? fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
          : fc.jsonValue({ maxDepth: 2 });
      }
      const shape = Object.fromEntries(
        Object.entries(schema.properties).map(([name, child]) => [name, arbitraryOf(child, ids, depth + 1)]),
      );
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((name) => name in shape) });
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

function stringArbitrary(schema: JsonSchema, ids: IdSource): fc.Arbitrary<string> {
  const prefix = idPrefixOf(schema);
  if (prefix) {
    const known = ids.byPrefix(prefix);
    const wellFormed = fc.stringMatching(/^[0-9a-z]{26}$/).map((rest) => `${prefix}_${rest}`);
    return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, wellFormed) : wellFormed;
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, 200);
  const sized = (value: string) => value.length >= min && value.length <= (schema.maxLength ?? Infinity);
  const candidates: fc.Arbitrary<string>[] = [];
  if (schema.format === "email") candidates.push(fc.emailAddress());
  else if (schema.format === "date-time")
    candidates.push(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
  else if (schema.format === "date") {
    candidates.push(fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)));
  } else if (schema.format === "uuid") candidates.push(fc.uuid());
  if (typeof schema.example === "string") candidates.push(fc.constant(schema.example));
  const [pattern] = patternsOf(schema).filter((each) => each !== textPattern);
  if (pattern && candidates.length === 0) {
    try {
      candidates.push(fc.stringMatching(new RegExp(pattern)).filter(sized));
    } catch {
      // A pattern fast-check cannot generate from: texts below stand in.
    }
  }
  candidates.push(fc.string({ unit: "grapheme", minLength: Math.min(min, max), maxLength: max }));
  if (schema.maxLength !== undefined) candidates.push(fc.constant("x".repeat(schema.maxLength)));
  return fc.oneof(...candidates);
}

/** Values no schema should take: wrong types, boundaries, huge and odd strings, prototype keys, deep nesting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    "",
    " ",
    "\u0000",
    "\u202e\u200b",
    "\ud800",
    "😀".repeat(80),
    "__proto__",
    "constructor",
    "NaN",
    "null",
    "' OR 1=1 --",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "%00",
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 200, max: 20_000 }).map((length) => "x".repeat(length)),
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .constantFrom("array", "object")
    .chain((kind) => fc.integer({ min: 50, max: 3_000 }).map((depth) => nested(kind as "array" | "object", depth))),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  ),
  fc.array(fc.constant("x"), { minLength: 101, maxLength: 150 }),
);

function nested(kind: "array" | "object", depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** Names a client may not send: unknown or server-owned fields and prototype keys. */
const strangeFieldNames = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "id", "orgId", "version", "createdAt", "deletedAt", "pk"),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** Every object and array inside a value, the value itself first. */
function containersOf(value: unknown): (Record<string, unknown> | unknown[])[] {
  if (value === null || typeof value !== "object") return [];
  const inner = Object.values(value as object).flatMap((child) => containersOf(child));
  return [value as Record<string, unknown>, ...inner];
}

/**
 * A valid-looking value with one thing broken: a part replaced by a hostile value, an unknown field added, a field
 * removed, or a list overfilled. Which part is chosen by index, so shrinking narrows it down.
 */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom("replace", "addField", "dropField", "overfill"),
      strangeFieldNames,
      hostileValue,
    )
    .map(([original, index, operation, name, hostile]) => {
      const value = structuredClone(original);
      const containers = containersOf(value);
      const target = containers[index % Math.max(containers.length, 1)];
      if (!target) return hostile;
      const keys = Object.keys(target);
      const key = keys[index % Math.max(keys.length, 1)];
      if (operation === "overfill" && Array.isArray(target)) {
        target.push(...Array.from({ length: 101 }, () => target[0] ?? "x"));
      } else if (operation === "dropField" && key !== undefined) {
        delete (target as Record<string, unknown>)[key];
      } else if (operation === "addField" && !Array.isArray(target)) {
        defineField(target, name, hostile);
      } else if (key !== undefined) {
        defineField(target as Record<string, unknown>, key, hostile);
      } else {
        return hostile;
      }
      return value;
    });
}
