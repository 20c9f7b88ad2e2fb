import type { openApiDocument } from "@crm/core/api";

/** The served document, as `openApiDocument()` builds it. */
export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** The JSON Schema keywords the example builder reads (zod-openapi emits OpenAPI 3.1's JSON Schema dialect). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  minItems?: number;
  description?: string;
};

export type Parameter = {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
};
