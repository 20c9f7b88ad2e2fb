import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { corsPolicy, declaredFunctionLinks, fallbackRoute, matchRoute, routes } from "@crm/core/declarations";
import { runWithLinks } from "@crm/core/platform";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { repositoryRoot } from "../cli/repository";
import type { ExtraRoute } from "../identity";
import { apiGatewayEvent, lambdaContext } from "./api-gateway-event";
import { type HttpResponse, httpResponseOf, internalServerError } from "./lambda-result";

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export type HttpGatewayOptions = {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loads an SST handler string (`path/to/file.export`); defaults to importing the TypeScript module from the repository. */
  loadHandler?: (handler: string) => Promise<LambdaHandler>;
  /** Local-only endpoints outside the API (the identity provider's JWKS), matched by path prefix first. */
  extraRoutes?: ExtraRoute[];
  /** API Gateway's own payload limit. */
  maxBodyBytes?: number;
};

export type HttpGateway = { url: string; port: number; close: () => Promise<void> };

const moduleCache = new Map<string, Promise<unknown>>();

/** What each declared function is linked to, as `stacks/` links it. */
const functionLinks = declaredFunctionLinks();

/**
 * Imports `<repo>/<file>.ts` and takes the named export, once per handler string, like a warm Lambda. `H` is the
 * handler's signature, which the caller knows from the kind of event it invokes it with (HTTP by default). Every
 * function runs in this one process, so each invocation runs with its own function's links only: a resource it
 * is not linked to reads as unlinked, as in AWS. A handler no declaration names is refused.
 */
export function importHandler<H = LambdaHandler>(handler: string): Promise<H> {
  let loading = moduleCache.get(handler);
  if (!loading) {
    const dot = handler.lastIndexOf(".");
    const file = handler.slice(0, dot);
    const exportName = handler.slice(dot + 1);
    loading = import(pathToFileURL(`${repositoryRoot}${file}.ts`).href).then((module: Record<string, unknown>) => {
      const exported = module[exportName];
      if (typeof exported !== "function") throw new Error(`${file}.ts does not export a function named ${exportName}.`);
      const names = functionLinks.get(handler);
      if (!names) throw new Error(`No declared function has the handler ${handler}.`);
      const links = { functionName: handler, names: new Set<string>(names) };
      return (...args: unknown[]) => runWithLinks(links, () => exported(...args));
    });
    // A module that failed to load (a syntax error being fixed) is loaded again next time, not cached broken.
    loading.catch(() => moduleCache.delete(handler));
    moduleCache.set(handler, loading);
  }
  return loading as Promise<H>;
}

/** A request's body, or null when it is over `limit` bytes (read to the end either way, so the socket stays usable). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** What API Gateway adds for the configured CORS policy: preflight answers, and allow/expose headers otherwise. */
function corsHeaders(request: IncomingMessage): [string, string][] {
  if (!request.headers.origin) return [];
  return [
    ["access-control-allow-origin", corsPolicy.allowOrigins.includes("*") ? "*" : request.headers.origin],
    ["access-control-expose-headers", corsPolicy.exposeHeaders.join(",")],
  ];
}

function preflight(request: IncomingMessage): HttpResponse | null {
  if (request.method !== "OPTIONS" || !request.headers.origin || !request.headers["access-control-request-method"]) {
    return null;
  }
  return {
    status: 204,
    headers: [
      ["access-control-allow-origin", corsPolicy.allowOrigins.includes("*") ? "*" : request.headers.origin],
      ["access-control-allow-methods", corsPolicy.allowMethods.join(",")],
      ["access-control-allow-headers", corsPolicy.allowHeaders.join(",")],
      ["access-control-max-age", String(corsPolicy.maxAgeSeconds)],
    ],
    body: Buffer.alloc(0),
  };
}

function send(response: ServerResponse, result: HttpResponse, extraHeaders: [string, string][] = []) {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of [...result.headers, ...extraHeaders]) {
    const existing = headers[name];
    if (name === "set-cookie") headers[name] = [...(Array.isArray(existing) ? existing : []), value];
    else headers[name] = value;
  }
  headers["content-length"] = String(result.body.length);
  response.writeHead(result.status, headers);
  response.end(result.body);
}

/**
 * The local stand-in for API Gateway's HTTP API: it matches each request against the route table, builds the
 * payload-2.0 event, invokes the route's real handler module (or the `$default` fallback, which answers 404/405),
 * and maps the result back exactly as API Gateway does.
 */
export async function startHttpGateway(options: HttpGatewayOptions = {}): Promise<HttpGateway> {
  const loadHandler = options.loadHandler ?? importHandler;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const extra = options.extraRoutes?.find((route) => path.startsWith(route.pathPrefix));
    if (extra) return extra.handle(request, response);

    const cors = corsHeaders(request);
    const preflightAnswer = preflight(request);
    if (preflightAnswer) return send(response, preflightAnswer);
    try {
      const body = await readBody(request, maxBodyBytes);
      if (body === null) {
        const tooLarge = {
          status: 413,
          headers: [["content-type", "application/json"]] as [string, string][],
          body: Buffer.from('{"message":"Request Entity Too Large"}'),
        };
        return send(response, tooLarge, cors);
      }
      const match = matchRoute(request.method ?? "GET", path);
      const route = match.kind === "route" ? routes[match.routeId] : null;
      const event = apiGatewayEvent(request, body, {
        routeKey: route ? `${route.method} ${route.path}` : "$default",
        ...(match.kind === "route" ? { pathParameters: match.pathParameters } : {}),
      });
      const handlerName = route ? route.handler : fallbackRoute.handler;
      const handler = await loadHandler(handlerName);
      const result = await handler(event, lambdaContext(match.kind === "route" ? match.routeId : "fallback"));
      send(response, httpResponseOf(result), cors);
    } catch (error) {
      console.error(`[gateway] ${request.method} ${path} failed:`, error);
      send(response, internalServerError, cors);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
