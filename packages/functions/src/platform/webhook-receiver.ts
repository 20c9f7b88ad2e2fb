import type { RouteId } from "@crm/core/declarations";
import { fieldIssuesOf, invalidInput } from "@crm/core/platform";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import { HttpProblemError } from "./http-problem";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";
import { problemResponses, standardHeaders } from "./problem-responses";
import { requestIdOf } from "./request-id";
import { routeMetrics } from "./route-metrics";

/** What a provider sent, before anything is parsed: the exact bytes its signature covers, and the headers. */
export type SignedRequest = { rawBody: Buffer; headers: APIGatewayProxyEventV2["headers"] };

/** What a receiver's handler gets: the validated notification, and the request it came in. */
export type WebhookNotification<S extends z.ZodType> = SignedRequest & {
  body: z.output<S>;
  requestId: string;
  event: APIGatewayProxyEventV2;
};

export type WebhookReceiverOptions<S extends z.ZodType> = {
  /** The route it serves, which names its metrics (else API Gateway's route key does). */
  route?: RouteId;
  /** Whether the provider signed these bytes; see `hmacSha256Matches`. */
  verify: (request: SignedRequest) => boolean | Promise<boolean>;
  /** The JSON body's schema; `null` for a provider whose notifications have no body (Calendar's channels). */
  schema: S | null;
  handle: (notification: WebhookNotification<S>) => Promise<void>;
};

function parseBody<S extends z.ZodType>(schema: S, rawBody: Buffer): z.output<S> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch (error) {
    throw new HttpProblemError("malformed-json", "The body could not be parsed as JSON.", {}, {}, { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidInput(fieldIssuesOf("body", parsed.error.issues));
  return parsed.data;
}

/**
 * Builds the handler of an incoming provider webhook (API Gateway payload 2.0). The signature is checked over the
 * raw bytes (decoded when API Gateway base64-encoded them) before anything is parsed, so nothing unsigned reaches a
 * parser; a missing or wrong one is a 401 that does not say which. Then the body is parsed as JSON and validated
 * (a 400 problem), and handled: 200 when done, and a failure of ours is an opaque 500, so the provider retries.
 */
export function webhookReceiver<S extends z.ZodType>({ route, verify, schema, handle }: WebhookReceiverOptions<S>) {
  return loggedInvocation<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(standardHeaders())
    .use(problemResponses())
    .use(routeMetrics(route))
    .handler(async (event) => {
      const requestId = requestIdOf(event);
      logger.appendKeys({ route: event.routeKey, requestId, gatewayRequestId: event.requestContext.requestId });
      const rawBody = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
      if (!(await verify({ rawBody, headers: event.headers }))) {
        throw new HttpProblemError("unauthorized", "The request is not signed by its sender.");
      }
      const body = schema === null ? (undefined as z.output<S>) : parseBody(schema, rawBody);
      await handle({ body, rawBody, headers: event.headers, requestId, event });
      logger.info("webhook received", { status: 200 });
      return { statusCode: 200 };
    });
}
