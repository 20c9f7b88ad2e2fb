import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { websocketAuthorizer } from "@crm/core/declarations";
import middy from "@middy/core";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { HttpProblemError } from "../platform/http-problem";
import { logger } from "../platform/logger";
import { authenticate } from "../platform/token-verifier";
import type { ConnectionAuthorizerContext } from "../platform/websocket-route";

/** The REQUEST authorizer's input on a WebSocket API: no path or method, and the ARN ends with `$connect`. */
export type WebSocketAuthorizerEvent = {
  type: "REQUEST";
  methodArn: string;
  headers?: Record<string, string> | null;
  queryStringParameters?: Record<string, string> | null;
  requestContext: { connectionId: string; requestId: string; routeKey: string };
};

/**
 * The `$connect` authorizer: verifies the `token` query parameter exactly as the HTTP API verifies a bearer token
 * (aws-jwt-verify, same issuer, audience and keys). A bad token throws `Unauthorized`, which API Gateway answers
 * with 401; any other error is answered with 500; a good token allows the connection and hands the identity to
 * `$connect` in the context.
 */
export const handler = middy<WebSocketAuthorizerEvent, APIGatewayAuthorizerResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    logger.appendKeys({ route: "$connect authorizer", connectionId: event.requestContext.connectionId });
    const token = event.queryStringParameters?.[websocketAuthorizer.tokenQueryParameter] ?? "";
    const identity = await authenticate(`Bearer ${token}`).catch((error: unknown) => {
      // Only a refused token is a 401. Our own failure (keys that cannot be fetched, a broken configuration) is
      // thrown as it is, which API Gateway answers with 500, so that a client does not drop a good token.
      if (!(error instanceof HttpProblemError && error.code === "unauthorized")) {
        logger.error("authorizer failed", { error: error as Error });
        throw error;
      }
      logger.info("connection refused", { reason: error.message });
      throw new Error("Unauthorized");
    });
    const context: ConnectionAuthorizerContext = {
      userId: identity.userId,
      email: identity.email,
      ...(identity.name ? { name: identity.name } : {}),
    };
    return {
      principalId: identity.userId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
      },
      context,
    };
  });
