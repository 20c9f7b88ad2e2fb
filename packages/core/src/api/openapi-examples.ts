/**
 * Examples for the OpenAPI document, derived from its own JSON Schemas: a value is the schema's `example` (from a zod
 * `.meta({ example })`) where it has one, else its default, constant or first enum value, else one built from its
 * properties or items, down to a placeholder by type and format. So a field's example is written once, on its
 * schema, and every request and response that holds it shows it.
 */

type JsonSchema = {
  $ref?: string;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  propertyNames?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

type MediaType = { schema?: JsonSchema; example?: unknown; examples?: unknown };
type Parameter = { name?: string; schema?: JsonSchema; example?: unknown; examples?: unknown };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
};
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};

const formatExamples: Record<string, string> = {
  "date-time": "2026-11-25T09:30:00.000Z",
  date: "2026-11-25",
  email: "ada@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  uuid: "6f1c8a52-3c1e-4f7e-9d4b-2a9b3f0e7c11",
};

/** An example value of a JSON Schema, or undefined where none can be told (a recursive reference, `{}`). */
export function exampleOf(
  schema: JsonSchema | undefined,
  schemas: Record<string, JsonSchema>,
  resolving: ReadonlySet<string> = new Set(),
): unknown {
  if (!schema) return undefined;
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    if (resolving.has(name)) return undefined;
    return exampleOf(schemas[name], schemas, new Set([...resolving, name]));
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => exampleOf(part, schemas, resolving));
    return parts.every(isPlainObject) ? Object.assign({}, ...parts) : parts.find((part) => part !== undefined);
  }
  const options = schema.oneOf ?? schema.anyOf;
  if (options) {
    // A nullable field shows its value, not its null.
    const option = options.find((candidate) => candidate.type !== "null") ?? options[0];
    return exampleOf(option, schemas, resolving);
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((name) => name !== "null") ?? "null") : schema.type;
  switch (type ?? (schema.properties ? "object" : undefined)) {
    case "object":
      return objectExample(schema, schemas, resolving);
    case "array": {
      const item = schema.prefixItems
        ? schema.prefixItems.map((entry) => exampleOf(entry, schemas, resolving))
        : exampleOf(schema.items, schemas, resolving);
      if (schema.prefixItems) return item;
      return item === undefined ? [] : Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case "string":
      return (schema.format && formatExamples[schema.format]) ?? "text".padEnd(schema.minLength ?? 0, "-");
    case "integer":
    case "number":
      return numberExample(schema);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return undefined;
  }
}

function objectExample(schema: JsonSchema, schemas: Record<string, JsonSchema>, resolving: ReadonlySet<string>) {
  const example: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = exampleOf(property, schemas, resolving);
    // A required field of any type (`z.unknown()`, whose schema is `{}`) still has to be there: null is one.
    if (value !== undefined) example[name] = value;
    else if (schema.required?.includes(name)) example[name] = null;
  }
  if (!schema.properties && isPlainObject(schema.additionalProperties)) {
    const value = exampleOf(schema.additionalProperties, schemas, resolving);
    const key = exampleOf(schema.propertyNames, schemas, resolving);
    if (value !== undefined) example[typeof key === "string" ? key : "key"] = value;
  }
  return example;
}

function numberExample(schema: JsonSchema): number {
  const lowest = schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : schema.exclusiveMinimum + 1);
  const candidate = lowest ?? 1;
  return schema.maximum !== undefined && candidate > schema.maximum ? schema.maximum : candidate;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parameters that get no example: tools send an example as the value ("try it", Postman), and a made-up cursor is a
 * 400, a made-up ETag a 304 or 412, and one fixed Idempotency-Key replays the first request's answer to every other.
 */
export const parametersWithoutExample: ReadonlySet<string> = new Set([
  "cursor",
  "if-none-match",
  "if-match",
  "idempotency-key",
]);

function fill(holder: MediaType | Parameter, schemas: Record<string, JsonSchema>) {
  if (holder.example !== undefined || holder.examples !== undefined) return;
  if ("name" in holder && holder.name && parametersWithoutExample.has(holder.name)) return;
  const example = exampleOf(holder.schema, schemas);
  if (example !== undefined) holder.example = example;
}

/**
 * Gives every parameter, request body and response body of the document that has no example one derived from its
 * schema (see exampleOf); what already has one, such as the problem responses, keeps it.
 */
export function withDerivedExamples<D>(document: D): D {
  const { paths = {}, components = {} } = document as Document;
  const schemas = components.schemas ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) fill(parameter, schemas);
      for (const mediaType of Object.values(operation.requestBody?.content ?? {})) fill(mediaType, schemas);
      for (const response of Object.values(operation.responses ?? {})) {
        for (const mediaType of Object.values(response.content ?? {})) fill(mediaType, schemas);
      }
    }
  }
  return document;
}
