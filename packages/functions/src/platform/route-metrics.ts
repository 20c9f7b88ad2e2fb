import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { EndpointContext } from "./endpoint-context";
import { currentInvocation } from "./metrics";
import { requestIdOf } from "./request-id";

type RouteRequest = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext>;

/**
 * Makes the invocation's metrics those of an HTTP route: dimensioned by `routeId` (by default the event's route
 * key, `METHOD /path`), with its latency and status class (see measuredExecution, which emits them once the
 * answer is known), and the request and organisation ids as metadata. Its place in the middleware stack does not
 * matter.
 */
export function routeMetrics(
  routeId?: string,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  const noteTenant = async (request: RouteRequest) => {
    const orgId = request.context.endpoint?.tenant?.orgId;
    const measures = currentInvocation();
    if (orgId && measures) measures.metadata.orgId = orgId;
  };
  return {
    before: async (request) => {
      const measures = currentInvocation();
      if (!measures) return;
      measures.route = routeId ?? request.event.routeKey;
      measures.metadata.requestId = requestIdOf(request.event);
    },
    after: noteTenant,
    onError: noteTenant,
  };
}
