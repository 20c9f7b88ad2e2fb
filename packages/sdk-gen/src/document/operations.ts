import type { JsonSchema, OpenApiDocument, Parameter } from "./openapi-document";

/** One operation of the document, flattened: what a request in a collection is built from. */
export type ApiOperation = {
  operationId: string;
  method: string;
  /** The OpenAPI path, with `{name}` parameters. */
  path: string;
  tag: string;
  summary: string;
  description: string;
  isPublic: boolean;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** The success status and its JSON body's schema, if it has one. */
  success: { status: number; schema: JsonSchema | undefined };
};

const methods = ["get", "put", "post", "patch", "delete", "head", "options"] as const;

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
};

/** Every operation of the document in its order (the route table's), with its tag and success response. */
export function operationsOf(document: OpenApiDocument): ApiOperation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) return [];
      const [status = "200", response] =
        Object.entries(operation.responses ?? {}).find(([code]) => code.startsWith("2")) ?? [];
      return [
        {
          operationId: operation.operationId ?? `${method} ${path}`,
          method: method.toUpperCase(),
          path,
          tag: operation.tags?.[0] ?? "Other",
          summary: operation.summary ?? `${method.toUpperCase()} ${path}`,
          description: operation.description ?? "",
          isPublic: operation.security?.length === 0,
          parameters: operation.parameters ?? [],
          body: operation.requestBody?.content?.["application/json"]?.schema,
          success: { status: Number(status), schema: response?.content?.["application/json"]?.schema },
        },
      ];
    }),
  );
}
