import type { JsonSchema, OpenApiDocument } from "./openapi-document";

// Record ids are declared as `^con_[0-9a-z]{1,64}$` and the like: an example id names no record of the caller's.
const recordIdPattern = /^\^[a-z]+_\[/;

const stringExamples: Record<string, string> = {
  email: "ada@example.com",
  date: "2026-12-31",
  "date-time": "2026-11-25T09:30:00.000Z",
  uri: "https://example.com",
  url: "https://example.com",
  uuid: "3f2b8c1e-8d4a-4c7e-9b1a-2f6d5e4c3b2a",
};

function resolve(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = document.components?.schemas?.[name] as JsonSchema | undefined;
  if (!target) throw new Error(`The document has no schema ${schema.$ref}.`);
  return resolve(document, target);
}

/** The variant an example takes: the first that is not null. */
function variantOf(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const resolved = resolve(document, schema);
  const variants = resolved.anyOf ?? resolved.oneOf ?? resolved.allOf;
  if (!variants) return resolved;
  const chosen = variants.find((variant) => resolve(document, variant).type !== "null") ?? variants[0] ?? {};
  return variantOf(document, chosen);
}

function declaredExample(schema: JsonSchema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.[0] !== undefined) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  return schema.enum?.[0];
}

function isRecordId(document: OpenApiDocument, schema: JsonSchema): boolean {
  const variant = variantOf(document, schema);
  if (variant.type === "array" && variant.items) return isRecordId(document, variant.items);
  return variant.type === "string" && recordIdPattern.test(variant.pattern ?? "");
}

function carriesExample(document: OpenApiDocument, schema: JsonSchema): boolean {
  const variant = variantOf(document, schema);
  if (declaredExample(resolve(document, schema)) !== undefined || declaredExample(variant) !== undefined) return true;
  return variant.type === "array" && variant.items !== undefined && carriesExample(document, variant.items);
}

export type ExampleOptions = {
  /** The value of a record id matching this pattern (`^con_…`), in place of its declared example. */
  recordId?: (pattern: string) => string | undefined;
};

/**
 * A value the schema accepts, to show a caller what to send: declared examples first, then what the type and
 * format suggest. An object gets its required properties and those optional ones that declare an example, except
 * references to other records, whose example ids would name no record of the caller's.
 */
export function exampleOf(
  document: OpenApiDocument,
  schema: JsonSchema,
  name = "value",
  options: ExampleOptions = {},
): unknown {
  const variant = variantOf(document, schema);
  if (variant.type === "string" && recordIdPattern.test(variant.pattern ?? "")) {
    const recordId = options.recordId?.(variant.pattern ?? "");
    if (recordId !== undefined) return recordId;
  }
  const declared = declaredExample(resolve(document, schema));
  if (declared !== undefined) return declared;
  const ownExample = declaredExample(variant);
  if (ownExample !== undefined) return ownExample;
  const type = Array.isArray(variant.type) ? variant.type.find((each) => each !== "null") : variant.type;
  switch (type ?? (variant.properties ? "object" : undefined)) {
    case "object": {
      const required = new Set(variant.required ?? []);
      const entries = Object.entries(variant.properties ?? {}).filter(
        ([key, property]) =>
          required.has(key) || (carriesExample(document, property) && !isRecordId(document, property)),
      );
      return Object.fromEntries(entries.map(([key, property]) => [key, exampleOf(document, property, key, options)]));
    }
    case "array":
      return Array.from({ length: Math.max(variant.minItems ?? 1, 1) }, () =>
        exampleOf(document, variant.items ?? {}, name, options),
      );
    case "string":
      return stringExamples[variant.format ?? ""] ?? `Example ${name}`;
    case "integer":
    case "number":
      return variant.default ?? variant.minimum ?? 1;
    case "boolean":
      return variant.default ?? false;
    default:
      return null;
  }
}
