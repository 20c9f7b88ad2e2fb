import type { WebSocketRouteKey } from "@crm/core/declarations";
import { fieldIssuesOf, type Identity, invalidInput } from "@crm/core/platform";
import { pushToConnection, type RealtimeMessage } from "@crm/core/realtime";
import type {
  APIGatewayEventWebsocketRequestContextV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyWebsocketEventV2WithRequestContext,
} from "aws-lambda";
import type { z } from "zod";
import { HttpProblemError, problemCatalogue } from "./http-problem";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";
import { problemOf } from "./problem-responses";

/** What the `$connect` authorizer (`ws/authorizer.ts`) puts in its context; API Gateway adds `principalId`. */
export type ConnectionAuthorizerContext = { userId: string; email: string; name?: string };

/** A WebSocket route's event: API Gateway adds the authorizer's context and the caller's address. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2WithRequestContext<
  APIGatewayEventWebsocketRequestContextV2 & {
    authorizer?: (Partial<ConnectionAuthorizerContext> & { principalId?: string }) | null;
    identity?: { sourceIp?: string; userAgent?: string };
    disconnectStatusCode?: number;
    disconnectReason?: string;
  }
>;

type Handle = (event: WebSocketEvent) => Promise<APIGatewayProxyResultV2>;

/** Logging context per invocation; an unexpected failure is logged and answered with API Gateway's 500. */
function websocketRoute(routeKey: WebSocketRouteKey, handle: Handle) {
  return loggedInvocation<WebSocketEvent, APIGatewayProxyResultV2>().handler(async (event) => {
    const { connectionId, requestId } = event.requestContext;
    logger.appendKeys({ route: routeKey, connectionId, requestId });
    try {
      return await handle(event);
    } catch (error) {
      logger.error("websocket route failed", { error: error as Error });
      return { statusCode: 500 };
    }
  });
}

function identityOf(authorizer: WebSocketEvent["requestContext"]["authorizer"]): Identity | null {
  if (!authorizer?.userId || !authorizer.email) return null;
  return { userId: authorizer.userId, email: authorizer.email, ...(authorizer.name ? { name: authorizer.name } : {}) };
}

/**
 * The `$connect` route: the authorizer has verified the token; `handle` records the connection. A non-2xx answer
 * (or a failure) makes API Gateway refuse the upgrade, so nothing unverified ever connects.
 */
export function websocketConnectRoute(
  handle: (connection: { connectionId: string; identity: Identity; connectedAt: number }) => Promise<void>,
) {
  return websocketRoute("$connect", async (event) => {
    const identity = identityOf(event.requestContext.authorizer);
    if (!identity) {
      logger.warn("connection without an authorizer identity refused");
      return { statusCode: 401 };
    }
    const { connectionId, connectedAt } = event.requestContext;
    await handle({ connectionId, identity, connectedAt });
    logger.info("connected");
    return { statusCode: 200 };
  });
}

/** The `$disconnect` route: best effort in AWS, so the state it cleans up must also expire on its own. */
export function websocketDisconnectRoute(handle: (connectionId: string) => Promise<void>) {
  return websocketRoute("$disconnect", async (event) => {
    await handle(event.requestContext.connectionId);
    logger.info("disconnected", {
      statusCode: event.requestContext.disconnectStatusCode,
      reason: event.requestContext.disconnectReason,
    });
    return { statusCode: 200 };
  });
}

/** What a message route's handler receives: the validated message and the connection it came on. */
export type WebSocketRequest<S extends z.ZodType> = { connectionId: string; message: z.output<S>; requestId: string };

function parseBody(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? "");
  } catch (error) {
    throw new HttpProblemError("malformed-json", "The message is not valid JSON.", {}, {}, { cause: error });
  }
}

/**
 * A message route: parses the JSON message, validates it against `schema`, runs `handle` and sends its reply on the
 * connection. The API has no route responses, so replies, including every error, are pushed through the management
 * API; an error becomes `{ "type": "error", "action", "code", "message", "errors"? }` here, in one place.
 */
export function websocketMessageRoute<S extends z.ZodType>(
  routeKey: WebSocketRouteKey,
  schema: S,
  handle: (request: WebSocketRequest<S>) => Promise<RealtimeMessage>,
) {
  return websocketRoute(routeKey, async (event) => {
    const { connectionId, requestId } = event.requestContext;
    let action: string | undefined;
    let reply: RealtimeMessage;
    try {
      const body = parseBody(event.body);
      const named = (body as { action?: unknown } | null)?.action;
      action = typeof named === "string" ? named.slice(0, 64) : undefined;
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw invalidInput(fieldIssuesOf("body", parsed.error.issues));
      reply = await handle({ connectionId, message: parsed.data, requestId });
    } catch (error) {
      const problem = problemOf(error);
      if (problemCatalogue[problem.code].status >= 500) logger.error("message failed", { error: error as Error });
      else logger.info("message refused", { code: problem.code });
      const errors = problem.extensions.errors as { path: string; message: string }[] | undefined;
      reply = {
        type: "error",
        ...(action ? { action } : {}),
        code: problem.code,
        message: problem.detail,
        ...(errors ? { errors } : {}),
      };
    }
    const report = await pushToConnection(connectionId, reply);
    if (report.failed > 0) throw report.firstError;
    return { statusCode: 200 };
  });
}
