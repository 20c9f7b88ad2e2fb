import { type ApiOperation, exampleOf, type OpenApiDocument, operationsOf } from "../document";
import type { JsonSchema, Parameter } from "../document/openapi-document";
import { requestBodyExamples } from "./request-examples";

export const postmanCollectionSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/** Where the collection points unless an environment says otherwise: the local cloud of `npm start`. */
export const localBaseUrl = "http://127.0.0.1:3000";

type Variable = { key: string; value: string; description?: string; disabled?: boolean; type?: string };
type Script = { listen: "test" | "prerequest"; script: { type: "text/javascript"; exec: string[] } };

export type PostmanRequestItem = {
  /** The operation id (`contacts.create`): stable across generations, so diffs and scripts can name a request. */
  id: string;
  name: string;
  request: {
    method: string;
    description: string;
    header: Variable[];
    url: { raw: string; host: string[]; path: string[]; query: Variable[]; variable: Variable[] };
    body?: { mode: "raw"; raw: string; options: { raw: { language: "json" } } };
    auth?: { type: "noauth" };
  };
  event?: Script[];
};

export type PostmanFolder = { name: string; item: PostmanRequestItem[] };

export type PostmanCollection = {
  info: { name: string; description: string; schema: typeof postmanCollectionSchema };
  auth: { type: "bearer"; bearer: Variable[] };
  variable: Variable[];
  item: PostmanFolder[];
};

const pathParameterPattern = /\{([^}]+)\}/g;

function queryValue(document: OpenApiDocument, parameter: Parameter): string {
  const value = exampleOf(document, parameter.schema ?? {}, parameter.name);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The id a create answers, kept as the variable its record's own paths use (`POST …/contacts` sets `contactId` for
 * `…/contacts/{contactId}`), so get, update and delete work right after a create.
 */
function idVariableCreatedBy(operation: ApiOperation, paths: string[]): string | undefined {
  if (operation.method !== "POST" || operation.success.status !== 201) return undefined;
  const recordPath = paths.find(
    (path) => path.startsWith(`${operation.path}/{`) && /^\/\{[^}/]+\}$/.test(path.slice(operation.path.length)),
  );
  return recordPath?.slice(operation.path.length + 2, -1);
}

const recordIdPrefix = (pattern: string) => /^\^([a-z]+)_/.exec(pattern)?.[1];

/** For each record id prefix (`con`), the variable of the path parameter that holds one (`{{contactId}}`). */
function recordIdVariables(operations: ApiOperation[]): Map<string, string> {
  const variables = new Map<string, string>();
  for (const parameter of operations.flatMap((operation) => operation.parameters)) {
    const prefix = recordIdPrefix(parameter.schema?.pattern ?? "");
    if (parameter.in === "path" && prefix && !variables.has(prefix)) variables.set(prefix, `{{${parameter.name}}}`);
  }
  return variables;
}

type Context = { document: OpenApiDocument; paths: string[]; recordIds: Map<string, string> };

function bodyExample(context: Context, operation: ApiOperation, body: JsonSchema): unknown {
  return (
    requestBodyExamples[operation.operationId as keyof typeof requestBodyExamples] ??
    exampleOf(context.document, body, "value", {
      recordId: (pattern) => context.recordIds.get(recordIdPrefix(pattern) ?? ""),
    })
  );
}

function requestItem(context: Context, operation: ApiOperation): PostmanRequestItem {
  const { document, paths } = context;
  const path = operation.path.replace(pathParameterPattern, ":$1").split("/").filter(Boolean);
  const parameters = (place: Parameter["in"]) => operation.parameters.filter((parameter) => parameter.in === place);
  const query = parameters("query").map((parameter) => ({
    key: parameter.name,
    value: queryValue(document, parameter),
    description: parameter.schema?.description ?? parameter.description ?? "",
    // An optional filter is there to switch on, not sent by default.
    disabled: !parameter.required,
  }));
  const enabledQuery = query.filter((parameter) => !parameter.disabled);
  const createdId = idVariableCreatedBy(operation, paths);
  return {
    id: operation.operationId,
    name: operation.summary,
    request: {
      method: operation.method,
      description: operation.description,
      header: operation.body ? [{ key: "Content-Type", value: "application/json" }] : [],
      url: {
        raw: `{{baseUrl}}/${path.join("/")}${enabledQuery.length ? `?${enabledQuery.map((parameter) => `${parameter.key}=${parameter.value}`).join("&")}` : ""}`,
        host: ["{{baseUrl}}"],
        path,
        query,
        variable: parameters("path").map((parameter) => ({
          key: parameter.name,
          value: `{{${parameter.name}}}`,
          description: parameter.description ?? "",
        })),
      },
      ...(operation.body
        ? {
            body: {
              mode: "raw" as const,
              raw: JSON.stringify(bodyExample(context, operation, operation.body), null, 2),
              options: { raw: { language: "json" as const } },
            },
          }
        : {}),
      ...(operation.isPublic ? { auth: { type: "noauth" as const } } : {}),
    },
    ...(createdId
      ? {
          event: [
            {
              listen: "test" as const,
              script: {
                type: "text/javascript" as const,
                exec: [
                  `// Keeps the new record's id for the requests on it.`,
                  `if (pm.response.code === 201) pm.environment.set("${createdId}", pm.response.json().id);`,
                ],
              },
            },
          ],
        }
      : {}),
  };
}

/**
 * A Postman collection (v2.1) of every operation of the document: a folder per tag, in the route table's order;
 * the bearer token as the collection's auth (`{{token}}`), path parameters as `:name` with a variable of the same
 * name, optional query parameters listed but off, and an example body built from the request schema.
 */
export function postmanCollection(document: OpenApiDocument): PostmanCollection {
  const operations = operationsOf(document);
  const context = { document, paths: Object.keys(document.paths ?? {}), recordIds: recordIdVariables(operations) };
  const folders = new Map<string, PostmanRequestItem[]>();
  for (const operation of operations) {
    folders.set(operation.tag, [...(folders.get(operation.tag) ?? []), requestItem(context, operation)]);
  }
  return {
    info: {
      name: document.info.title,
      description: document.info.description ?? "",
      schema: postmanCollectionSchema,
    },
    auth: { type: "bearer", bearer: [{ key: "token", value: "{{token}}", type: "string" }] },
    variable: [{ key: "baseUrl", value: localBaseUrl }],
    item: [...folders].map(([name, item]) => ({ name, item })),
  };
}
