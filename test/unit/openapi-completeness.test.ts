import { contracts, openApiDocument } from "@crm/core/api";
import { type RouteId, routes } from "@crm/core/declarations";
import { describe, expect, it } from "vitest";

type MediaType = { example?: unknown; examples?: Record<string, unknown> };
type Parameter = { name: string; in: string; example?: unknown; examples?: Record<string, unknown> };
type Operation = {
  operationId: RouteId;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
};
type Document = {
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
};

const document = openApiDocument() as unknown as Document;
const operations = Object.values(document.paths).flatMap((pathItem) => Object.values(pathItem));

const hasExample = (holder: MediaType | Parameter) =>
  holder.example !== undefined || Object.keys(holder.examples ?? {}).length > 0;

/** Each `[operationId status mediaType]` of the document's response bodies, with its example. */
const responseBodies = operations.flatMap((operation) =>
  Object.entries(operation.responses).flatMap(([status, response]) =>
    Object.entries(response.content ?? {}).map(([mediaType, content]) => ({
      where: `${operation.operationId} ${status} ${mediaType}`,
      operation,
      status,
      mediaType,
      content,
    })),
  ),
);

describe("the OpenAPI document, for a reader", () => {
  it("declares the servers it may be called on: the one that served it and the local cloud", () => {
    expect(document.servers?.map((server) => server.url)).toEqual(["/", "http://127.0.0.1:3000"]);
    for (const server of document.servers ?? []) expect(server.description, server.url).toBeTruthy();
  });

  it("gives every operation a summary and a description", () => {
    const missing = operations.filter((operation) => !operation.summary?.trim() || !operation.description?.trim());
    expect(missing.map((operation) => operation.operationId)).toEqual([]);
  });

  it("declares and describes every tag an operation uses, and no tag that none uses", () => {
    const declared = (document.tags ?? []).map((tag) => tag.name);
    const used = [...new Set(operations.flatMap((operation) => operation.tags ?? []))];
    expect([...declared].sort()).toEqual([...used].sort());
    for (const tag of document.tags ?? []) expect(tag.description, tag.name).toBeTruthy();
  });

  it("documents at least one client error (4xx) for every operation", () => {
    const withoutClientError = operations.filter(
      (operation) => !Object.keys(operation.responses).some((status) => status.startsWith("4")),
    );
    expect(withoutClientError.map((operation) => operation.operationId)).toEqual([]);
  });

  it("shows an example of every response body, for every status and media type", () => {
    expect(responseBodies.filter(({ content }) => !hasExample(content)).map(({ where }) => where)).toEqual([]);
  });

  // Tools send a parameter's example as its value ("try it", Postman): these would answer 400 (a made-up cursor),
  // 304 or 412 (a made-up ETag), or replay one request's answer to the next (a fixed Idempotency-Key).
  const serverIssued = ["cursor", "if-none-match", "if-match", "idempotency-key"];

  it("shows an example of every request: each parameter and each body, but none of a value only the server or a fresh UUID can give", () => {
    const exampled = operations.flatMap((operation) =>
      (operation.parameters ?? [])
        .filter((parameter) => serverIssued.includes(parameter.name) && hasExample(parameter))
        .map((parameter) => `${operation.operationId} ${parameter.in} ${parameter.name}`),
    );
    expect(exampled).toEqual([]);
    const missing = operations.flatMap((operation) => [
      ...(operation.parameters ?? [])
        .filter((parameter) => !serverIssued.includes(parameter.name) && !hasExample(parameter))
        .map((parameter) => `${operation.operationId} ${parameter.in} ${parameter.name}`),
      ...Object.entries(operation.requestBody?.content ?? {})
        .filter(([, content]) => !hasExample(content))
        .map(([mediaType]) => `${operation.operationId} body ${mediaType}`),
    ]);
    expect(missing).toEqual([]);
  });

  it("shows for each error status a problem of that status, a 400 with the field that failed", () => {
    for (const { where, status, mediaType, content } of responseBodies) {
      if (mediaType !== "application/problem+json") continue;
      expect(content.example, where).toMatchObject({ status: Number(status), type: expect.stringMatching(/^\//) });
      if (status === "400") {
        expect(content.example, where).toMatchObject({
          errors: [{ path: expect.stringMatching(/^(body|query|path)\b/) }],
        });
      }
    }
  });
});

describe("the OpenAPI document's examples, against the contracts the API validates with", () => {
  const operationOf = (routeId: RouteId) =>
    document.paths[routes[routeId].path]?.[routes[routeId].method.toLowerCase()] as Operation;

  it("are requests the API accepts: every body example passes its route's body schema", () => {
    const rejected = (Object.keys(contracts) as RouteId[]).flatMap((routeId) => {
      const { body } = contracts[routeId] as { body?: { safeParse(value: unknown): { success: boolean } } };
      const example = operationOf(routeId).requestBody?.content["application/json"]?.example;
      return body && !body.safeParse(example).success ? [routeId] : [];
    });
    expect(rejected).toEqual([]);
  });

  it("are answers the API gives: every success example passes its route's response schema", () => {
    const rejected = (Object.keys(contracts) as RouteId[]).flatMap((routeId) => {
      const { response } = contracts[routeId] as {
        response: { status: number; schema?: { safeParse(value: unknown): { success: boolean } } };
      };
      const example = operationOf(routeId).responses[String(response.status)]?.content?.["application/json"]?.example;
      return response.schema && !response.schema.safeParse(example).success ? [routeId] : [];
    });
    expect(rejected).toEqual([]);
  });

  it("are requests the API accepts: every route's path and query examples pass its parameter schemas", () => {
    const rejected = (Object.keys(contracts) as RouteId[]).flatMap((routeId) => {
      const contract = contracts[routeId] as {
        params?: { safeParse(value: unknown): { success: boolean } };
        query?: { safeParse(value: unknown): { success: boolean } };
      };
      const parameters = operationOf(routeId).parameters ?? [];
      // As the gateway hands them over: every value a string.
      const examplesIn = (location: string) =>
        Object.fromEntries(
          parameters
            .filter((parameter) => parameter.in === location)
            .map((parameter) => [parameter.name, String(parameter.example)]),
        );
      return [
        ...(contract.params && !contract.params.safeParse(examplesIn("path")).success ? [`${routeId} path`] : []),
        ...(contract.query && !contract.query.safeParse(examplesIn("query")).success ? [`${routeId} query`] : []),
      ];
    });
    expect(rejected).toEqual([]);
  });
});
