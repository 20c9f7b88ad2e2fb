import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type WebSocketRouteKey, websocketAuthorizer, websocketRoutes } from "@crm/core/declarations";
import type { Context } from "aws-lambda";
import { type WebSocket, WebSocketServer } from "ws";
import { importHandler, lambdaContext, readBody } from "../gateway";
import {
  authorizerEvent,
  type ConnectionFacts,
  connectEvent,
  connectMethodArn,
  disconnectEvent,
  localStage,
  messageEvent,
  newConnectionId,
  routeOfMessage,
} from "./websocket-events";

/** Any handler module's export: the gateway only reads what API Gateway reads from its result. */
export type WebSocketHandler = (event: never, context: Context) => Promise<unknown>;

export type WebSocketGatewayOptions = {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loads an SST handler string; defaults to importing the TypeScript module from the repository. */
  loadHandler?: (handler: string) => Promise<WebSocketHandler>;
  /** API Gateway closes a connection idle for 10 minutes, and any connection after 2 hours. */
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: (message: string, error?: unknown) => void;
};

export type WebSocketGateway = {
  /** Where clients connect: `ws://host:port/$default?token=…` (the bare `ws://host:port` works too). */
  url: string;
  /** What `Resource.Realtime.managementEndpoint` holds: the base of the `@connections` API. */
  managementEndpoint: string;
  port: number;
  /** Connections currently open (past `$connect`). */
  connectionCount: () => number;
  /** What the `@connections` API has served since the gateway started, or since the last reset. */
  managementApiTraffic: () => ManagementApiTraffic;
  resetManagementApiTraffic: () => void;
  /** Stops accepting, closes every connection (running `$disconnect` for each) and waits for every handler. */
  close: () => Promise<void>;
};

export type ManagementApiTraffic = {
  requests: number;
  /** TCP connections the requests opened: a client that keeps its connections alive opens few, once. */
  connections: number;
};

/** API Gateway's limit for one WebSocket message, either way. */
const maxMessageBytes = 128 * 1024;

type OpenConnection = ConnectionFacts & { socket: WebSocket; lastActiveAt: number; timers: NodeJS.Timeout[] };

class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(body);
  }
}

const jsonMessage = (message: string) => JSON.stringify({ message });

/**
 * The local stand-in for an API Gateway WebSocket API, on its own port. On an upgrade it runs the `$connect`
 * authorizer (a REQUEST authorizer reading the `token` query parameter; no token is a 401 without invoking it, a
 * thrown `Unauthorized` a 401, a Deny a 403), then `$connect`, whose non-2xx answer refuses the upgrade. Messages
 * are routed by their JSON `action` (`$default` otherwise) and closing runs `$disconnect`, all with the events API
 * Gateway sends. The same port serves the `@connections` management API the real SDK client calls, answering 410
 * GoneException for connections it does not know, like AWS.
 */
export async function startWebSocketGateway(options: WebSocketGatewayOptions = {}): Promise<WebSocketGateway> {
  const loadHandler = options.loadHandler ?? importHandler<WebSocketHandler>;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60_000;
  const maxConnectionMs = options.maxConnectionMs ?? 2 * 60 * 60_000;
  const log =
    options.log ?? ((message: string, error?: unknown) => console.error(`[websocket] ${message}`, error ?? ""));
  const connections = new Map<string, OpenConnection>();
  const running = new Set<Promise<unknown>>();
  /** Subprotocols `$connect` accepted (echoed in Sec-WebSocket-Protocol), per handshake. */
  const acceptedProtocols = new WeakMap<IncomingMessage, string>();
  let closing = false;
  let traffic: ManagementApiTraffic = { requests: 0, connections: 0 };
  /** Every TCP connection that has carried a management request, so a reused one is not counted again. */
  const seenSockets = new WeakSet<Socket>();

  const track = (work: Promise<unknown>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const invoke = async (routeKey: WebSocketRouteKey, event: unknown) => {
    const handler = await loadHandler(websocketRoutes[routeKey].handler);
    return handler(event as never, lambdaContext(`Realtime-${routeKey}`));
  };

  const webSockets = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    // A client that asks for subprotocols must get one back from `$connect`, or the handshake fails, as in AWS.
    handleProtocols: (_protocols, request) => acceptedProtocols.get(request) ?? false,
  });

  async function authorize(request: IncomingMessage, facts: ConnectionFacts): Promise<Record<string, unknown>> {
    const token = new URL(request.url ?? "/", "http://localhost").searchParams.get(
      websocketAuthorizer.tokenQueryParameter,
    );
    // The identity source is missing: API Gateway answers 401 without invoking the authorizer.
    if (!token) throw new UpgradeRefused(401, jsonMessage("Unauthorized"));
    let result: { principalId?: string; policyDocument?: PolicyDocument; context?: Record<string, unknown> };
    try {
      const handler = await loadHandler(websocketAuthorizer.handler);
      result = (await handler(authorizerEvent(request, facts) as never, lambdaContext("Realtime-authorizer"))) as never;
    } catch (error) {
      if (error instanceof Error && error.message === "Unauthorized") {
        throw new UpgradeRefused(401, jsonMessage("Unauthorized"));
      }
      log("the authorizer failed", error);
      throw new UpgradeRefused(500, jsonMessage("Internal server error"));
    }
    if (!allows(result?.policyDocument, connectMethodArn())) throw new UpgradeRefused(403, jsonMessage("Forbidden"));
    return { principalId: result.principalId, ...(result.context ?? {}) };
  }

  async function connect(request: IncomingMessage, socket: Socket, head: Buffer) {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== "/" && url.pathname !== `/${localStage}`) {
      throw new UpgradeRefused(403, jsonMessage("Forbidden"));
    }
    const facts: ConnectionFacts = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      domainName: request.headers.host ?? "127.0.0.1",
      sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
      ...(request.headers["user-agent"] ? { userAgent: request.headers["user-agent"] } : {}),
    };
    facts.authorizer = await authorize(request, facts);
    let result: unknown;
    try {
      result = await invoke("$connect", connectEvent(request, facts));
    } catch (error) {
      log("$connect failed", error);
      throw new UpgradeRefused(500, jsonMessage("Internal server error"));
    }
    const { status, protocol } = connectOutcome(result);
    if (status < 200 || status > 299) throw new UpgradeRefused(status, "");
    if (closing) throw new UpgradeRefused(503, jsonMessage("Service Unavailable"));
    if (protocol) acceptedProtocols.set(request, protocol);
    webSockets.handleUpgrade(request, socket, head, (ws) => open(ws, facts));
  }

  function open(socket: WebSocket, facts: ConnectionFacts) {
    const connection: OpenConnection = { ...facts, socket, lastActiveAt: Date.now(), timers: [] };
    const goAway = () => socket.close(1001, "Going away");
    const idle = setTimeout(goAway, idleTimeoutMs).unref();
    connection.timers.push(idle, setTimeout(goAway, maxConnectionMs).unref());
    connections.set(facts.connectionId, connection);
    socket.on("message", (data: Buffer) => {
      connection.lastActiveAt = Date.now();
      idle.refresh();
      track(dispatch(connection, data.toString("utf8")));
    });
    socket.on("error", () => undefined); // a close event always follows
    socket.on("close", (code: number, reason: Buffer) => {
      connections.delete(facts.connectionId);
      for (const timer of connection.timers) clearTimeout(timer);
      track(
        invoke("$disconnect", disconnectEvent(facts, code, reason.toString("utf8") || "Connection closed")).catch(
          (error) => log("$disconnect failed", error),
        ),
      );
    });
  }

  async function dispatch(connection: OpenConnection, body: string) {
    const routeKey = routeOfMessage(body);
    const event = messageEvent(connection, routeKey, body);
    try {
      await invoke(routeKey, event);
    } catch (error) {
      // What API Gateway sends the client when the integration fails.
      log(`${routeKey} failed`, error);
      const { connectionId, requestId } = event.requestContext;
      if (connection.socket.readyState === connection.socket.OPEN) {
        connection.socket.send(JSON.stringify({ message: "Internal server error", connectionId, requestId }));
      }
    }
  }

  /** `POST|GET|DELETE /@connections/{id}`, also under the stage (`/$default/@connections/{id}`, as the SDK sends). */
  async function manage(request: IncomingMessage, response: ServerResponse) {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const match = /^(?:\/(?:\$|%24)default)?\/@connections\/([^/]+)$/.exec(path);
    if (!match?.[1]) {
      const upgrade = path === "/" || path === `/${localStage}`;
      return reply(response, upgrade ? 426 : 404, jsonMessage(upgrade ? "Upgrade Required" : "Not Found"));
    }
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(match[1]);
    } catch {
      return reply(response, 400, jsonMessage("Bad Request"));
    }
    const body = await readBody(request, maxMessageBytes);
    const connection = connections.get(connectionId);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) return gone(response);
    switch (request.method) {
      case "POST":
        if (body === null) {
          return reply(response, 413, jsonMessage("Message too long"), "PayloadTooLargeException");
        }
        connection.lastActiveAt = Date.now();
        connection.timers[0]?.refresh();
        connection.socket.send(body, { binary: false });
        return reply(response, 200, "");
      case "GET":
        return reply(
          response,
          200,
          JSON.stringify({
            connectedAt: new Date(connection.connectedAt).toISOString(),
            identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent ?? "" },
            lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
          }),
        );
      case "DELETE":
        connection.socket.close(1000, "Connection deleted");
        return reply(response, 204, "");
      default:
        return reply(response, 403, jsonMessage("Forbidden"));
    }
  }

  const server = createServer((request, response) => {
    traffic.requests++;
    if (!seenSockets.has(request.socket)) {
      seenSockets.add(request.socket);
      traffic.connections++;
    }
    track(
      manage(request, response).catch((error) => {
        log("management API request failed", error);
        if (!response.headersSent) reply(response, 500, jsonMessage("Internal server error"));
      }),
    );
  });
  server.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on("error", () => undefined); // a client that gives up mid-handshake is not the gateway's problem
    track(
      connect(request, socket, head).catch((error) => {
        const refusal =
          error instanceof UpgradeRefused ? error : new UpgradeRefused(500, jsonMessage("Internal server error"));
        if (!(error instanceof UpgradeRefused)) log("upgrade failed", error);
        refuseUpgrade(socket, refusal);
      }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3001, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `ws://${address}:${port}/${localStage}`,
    managementEndpoint: `http://${address}:${port}/${localStage}`,
    port,
    connectionCount: () => connections.size,
    managementApiTraffic: () => ({ ...traffic }),
    resetManagementApiTraffic: () => {
      traffic = { requests: 0, connections: 0 };
    },
    close: async () => {
      closing = true;
      const closed = [...connections.values()].map(
        ({ socket }) => new Promise<void>((resolve) => socket.once("close", () => resolve())),
      );
      for (const { socket } of connections.values()) socket.terminate();
      await Promise.all(closed);
      // Handlers still running ($disconnect above, messages, handshakes) finish before the gateway is closed.
      while (running.size > 0) await Promise.allSettled([...running]);
      webSockets.close();
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

type PolicyDocument = { Statement?: { Effect?: string; Action?: string | string[]; Resource?: string | string[] }[] };

/** Whether an IAM policy allows `execute-api:Invoke` on the ARN, with IAM's `*` wildcards and Deny winning. */
function allows(policy: PolicyDocument | undefined, arn: string): boolean {
  const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);
  const matches = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);
  const applies = (statement: NonNullable<PolicyDocument["Statement"]>[number]) =>
    list(statement.Action).some((action) => matches(action, "execute-api:Invoke")) &&
    list(statement.Resource).some((resource) => matches(resource, arn));
  const statements = (policy?.Statement ?? []).filter(applies);
  return statements.some((s) => s.Effect === "Allow") && !statements.some((s) => s.Effect === "Deny");
}

/** `$connect`'s answer: its status (200 when it gives none) and the subprotocol it echoes, if any. */
function connectOutcome(result: unknown): { status: number; protocol?: string } {
  if (!result || typeof result !== "object" || !("statusCode" in result)) return { status: 200 };
  const { statusCode, headers } = result as { statusCode: unknown; headers?: Record<string, unknown> };
  const status = Number(statusCode);
  const protocol = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === "sec-websocket-protocol")?.[1];
  return {
    status: Number.isInteger(status) ? status : 500,
    ...(typeof protocol === "string" ? { protocol: protocol.split(",")[0]?.trim() ?? protocol } : {}),
  };
}

function refuseUpgrade(socket: Socket, refusal: UpgradeRefused) {
  if (socket.destroyed) return;
  const reason = httpReasons[refusal.status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
      refusal.body,
    )}\r\nConnection: close\r\n\r\n${refusal.body}`,
  );
}

const httpReasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The management API's 410: the SDK reads the error type from `x-amzn-ErrorType`; AWS sends no body with it. */
function gone(response: ServerResponse) {
  reply(response, 410, "", "GoneException");
}

function reply(response: ServerResponse, status: number, body: string, errorType?: string) {
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": randomUUID(),
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  response.end(body);
}
