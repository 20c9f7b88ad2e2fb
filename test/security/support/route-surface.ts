import { contracts, type RouteContract } from "@crm/core/api";
import { type RouteDeclaration, type RouteId, routes } from "@crm/core/declarations";
import { z } from "zod";

/** The subset of JSON Schema that `z.toJSONSchema` emits for the contracts. */
export type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  example?: unknown;
};

/** What a route accepts, read from its contract: the same zod schemas that validate it and generate the OpenAPI. */
export type RouteSurface = {
  routeId: RouteId;
  route: RouteDeclaration;
  contract: RouteContract;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
};

/** The input side of a schema as JSON Schema, with every `$ref` inlined (the contracts' schemas are not recursive). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const root = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const inline = (node: JsonSchema, depth: number): JsonSchema => {
    if (depth > 40) throw new Error("A contract schema nests deeper than 40 levels; is it recursive?");
    const resolved = node.$ref ? { ...root.$defs?.[node.$ref.replace("#/$defs/", "")], ...omit(node, "$ref") } : node;
    const out: JsonSchema = { ...omit(resolved, "$defs") };
    if (resolved.properties) {
      out.properties = Object.fromEntries(
        Object.entries(resolved.properties).map(([name, child]) => [name, inline(child, depth + 1)]),
      );
    }
    if (resolved.items) out.items = inline(resolved.items, depth + 1);
    if (resolved.prefixItems) out.prefixItems = resolved.prefixItems.map((child) => inline(child, depth + 1));
    if (typeof resolved.additionalProperties === "object") {
      out.additionalProperties = inline(resolved.additionalProperties, depth + 1);
    }
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      const branches = resolved[key];
      if (branches) out[key] = branches.map((child) => inline(child, depth + 1));
    }
    return out;
  };
  return inline(root, 0);
}

function omit<T extends object>(value: T, key: keyof T): T {
  const { [key]: _, ...rest } = value;
  return rest as T;
}

/** Every route of the route table with its contract's schemas. */
export function routeSurfaces(): RouteSurface[] {
  return (Object.keys(routes) as RouteId[]).map((routeId) => {
    const contract = contracts[routeId] as RouteContract;
    return {
      routeId,
      route: routes[routeId],
      contract,
      ...(contract.params ? { params: jsonSchemaOf(contract.params) } : {}),
      ...(contract.query ? { query: jsonSchemaOf(contract.query) } : {}),
      ...(contract.body ? { body: jsonSchemaOf(contract.body) } : {}),
    };
  });
}

export const isTenantRoute = (surface: RouteSurface) => Array.isArray(surface.route.access);
export const isWriteRoute = (surface: RouteSurface) => ["POST", "PUT", "PATCH"].includes(surface.route.method);

/** The record-id prefix a string schema demands (`con` for `^con_[0-9a-z]{1,64}$`), if it is an id. */
export function idPrefixOf(schema: JsonSchema): string | undefined {
  if (schema.type !== "string" || !schema.pattern) return undefined;
  return /^\^\(?([a-z]{3})[|_)]/.exec(schema.pattern)?.[1];
}

/** A schema's branches when it is a union (`anyOf`/`oneOf`), else the schema itself. */
export function branchesOf(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}
