import { randomUUID } from "node:crypto";
import { fallbackRoute, type RouteId, routes } from "@crm/core/declarations";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

type EventInput = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  token?: string;
  /** Raw body text, sent as it is (for malformed JSON and the like). */
  rawBody?: string;
};

/** A payload-format-2.0 event for a route of the route table, as API Gateway's HTTP API would send it. */
export function anApiEvent(routeId: RouteId, input: EventInput = {}): APIGatewayProxyEventV2 {
  const route = routes[routeId];
  const params = input.params ?? {};
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? `missing-${name}`),
  );
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const headers: Record<string, string> = {
    host: "api.example.test",
    "user-agent": "vitest",
    ...(body !== undefined
      ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
      : {}),
    ...(input.token ? { authorization: `Bearer ${input.token}` } : {}),
    ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  const now = new Date();
  return {
    version: "2.0",
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: { ...input.query } } : {}),
    ...(Object.keys(params).length > 0 ? { pathParameters: { ...params } } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      domainName: "api.example.test",
      domainPrefix: "api",
      http: { method: route.method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies dynamically
export type ApiResponse = { status: number; headers: Record<string, string>; body: any };

/** Invokes a route's real handler module with a real event and decodes the response. */
export async function invoke(routeId: RouteId, input: EventInput = {}): Promise<ApiResponse> {
  const file = routes[routeId].handler.replace(/\.handler$/, "");
  const module = (await import(/* @vite-ignore */ new URL(`../../${file}.ts`, import.meta.url).href)) as {
    handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  };
  const result = await module.handler(anApiEvent(routeId, input), lambdaContext(routeId));
  const text = result.body ?? "";
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  // The API answers JSON, except its reference page and script, whose text is handed over as it is.
  const isJson = !headers["content-type"] || headers["content-type"].includes("json");
  return {
    status: result.statusCode ?? 200,
    headers,
    body: text ? (isJson ? JSON.parse(text) : text) : undefined,
  };
}

type GatewayHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Every item of a cursor-paginated list, reading page after page (100 at a time) until there is no next cursor. */
export async function everyItem<T>(routeId: RouteId, input: EventInput = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await invoke(routeId, {
      ...input,
      query: { limit: "100", ...input.query, ...(cursor ? { cursor } : {}) },
    });
    if (page.status !== 200) throw new Error(`${routeId} answered ${page.status}: ${JSON.stringify(page.body)}`);
    items.push(...(page.body.data as T[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The gateway's answer to a request no route matches (404, or 405 with Allow), from the fallback handler SST deploys. */
export async function invokeFallback(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = await importHandler<GatewayHandler>(fallbackRoute.handler);
  return handler(event);
}
