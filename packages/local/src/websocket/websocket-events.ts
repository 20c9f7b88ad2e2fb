import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type WebSocketRouteKey, websocketRoutes } from "@crm/core/declarations";
import { apiGatewayTime } from "../gateway";

/** The local API's id and stage, as they appear in events, ARNs and the management endpoint. */
export const localApiId = "local";
export const localStage = "$default";

/** `DOvZ1cdTIAMCLtA=`: 16 base64 characters like API Gateway's ids, case-sensitive and URL-unsafe on purpose. */
export function newConnectionId(): string {
  return randomBytes(11).toString("base64");
}

/** What API Gateway knows about a connection, and puts in every event of it. */
export type ConnectionFacts = {
  connectionId: string;
  connectedAt: number;
  domainName: string;
  sourceIp: string;
  userAgent?: string;
  /** `principalId` plus the authorizer's context, once the authorizer allowed the connection. */
  authorizer?: Record<string, unknown>;
};

type EventType = "CONNECT" | "MESSAGE" | "DISCONNECT";

function requestContext(
  connection: ConnectionFacts,
  routeKey: string,
  eventType: EventType,
  extra: Record<string, unknown> = {},
) {
  const now = new Date();
  return {
    routeKey,
    eventType,
    extendedRequestId: newConnectionId(),
    requestTime: apiGatewayTime(now),
    messageDirection: "IN" as const,
    stage: localStage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: {
      sourceIp: connection.sourceIp,
      ...(connection.userAgent ? { userAgent: connection.userAgent } : {}),
    },
    requestId: newConnectionId(),
    domainName: connection.domainName,
    connectionId: connection.connectionId,
    apiId: localApiId,
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
    ...extra,
  };
}

/** Headers as API Gateway passes them on `$connect`: original casing, repeated ones joined and also listed. */
function handshakeHeaders(request: IncomingMessage) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] ?? "";
    const value = request.rawHeaders[index + 1] ?? "";
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

function handshakeQuery(request: IncomingMessage) {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (!url.search) return {};
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = value;
    multiValueQueryStringParameters[key] = [...(multiValueQueryStringParameters[key] ?? []), value];
  }
  return { queryStringParameters, multiValueQueryStringParameters };
}

/** The `$connect` ARN the authorizer's policy must allow. */
export function connectMethodArn(): string {
  return `arn:aws:execute-api:us-east-1:000000000000:${localApiId}/${localStage}/$connect`;
}

/** The REQUEST authorizer's event on a WebSocket API: no path or HTTP method, the ARN ends with `$connect`. */
export function authorizerEvent(request: IncomingMessage, connection: ConnectionFacts) {
  return {
    type: "REQUEST" as const,
    methodArn: connectMethodArn(),
    ...handshakeHeaders(request),
    ...handshakeQuery(request),
    stageVariables: {},
    requestContext: requestContext(connection, "$connect", "CONNECT"),
  };
}

/** The `$connect` route's event (Lambda proxy integration). */
export function connectEvent(request: IncomingMessage, connection: ConnectionFacts) {
  return {
    ...handshakeHeaders(request),
    ...handshakeQuery(request),
    requestContext: requestContext(connection, "$connect", "CONNECT"),
    isBase64Encoded: false,
  };
}

/** A message's event, routed by its JSON `action`. */
export function messageEvent(connection: ConnectionFacts, routeKey: WebSocketRouteKey, body: string) {
  return {
    requestContext: requestContext(connection, routeKey, "MESSAGE", { messageId: newConnectionId() }),
    body,
    isBase64Encoded: false,
  };
}

/** The `$disconnect` route's event, with the close code and reason. */
export function disconnectEvent(connection: ConnectionFacts, statusCode: number, reason: string) {
  return {
    headers: { Host: connection.domainName },
    multiValueHeaders: { Host: [connection.domainName] },
    requestContext: requestContext(connection, "$disconnect", "DISCONNECT", {
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    }),
    isBase64Encoded: false,
  };
}

/**
 * API Gateway's route selection with `$request.body.action`: a JSON message whose `action` names a custom route
 * goes there; anything else (not JSON, no action, an unknown one) goes to `$default`.
 */
export function routeOfMessage(body: string): WebSocketRouteKey {
  let action: unknown;
  try {
    action = (JSON.parse(body) as { action?: unknown } | null)?.action;
  } catch {
    return "$default"; // not JSON: nothing to select on
  }
  if (typeof action !== "string" || action.startsWith("$") || !Object.hasOwn(websocketRoutes, action)) {
    return "$default";
  }
  return action as WebSocketRouteKey;
}
