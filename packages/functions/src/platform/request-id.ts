import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * A client's own request id is taken when it is plainly an id: 1 to 128 letters, digits and `._~-`. No colon, so
 * it can never pass for the ids the system gives its own requests (`automation:<depth>:<event>`).
 */
const clientRequestId = /^[A-Za-z0-9._~-]{1,128}$/;

/**
 * The id of a request, everywhere it appears (the `X-Request-Id` answer header, problem details, logs, audit entries
 * and the domain events a change causes): the client's well-formed `X-Request-Id`, so it can follow its call into
 * webhooks and events, else API Gateway's. API Gateway's own id is always logged too.
 */
export function requestIdOf(event: Pick<APIGatewayProxyEventV2, "headers" | "requestContext">): string {
  const sent = event.headers?.["x-request-id"];
  return sent !== undefined && clientRequestId.test(sent) ? sent : event.requestContext.requestId;
}
