import type { RouteContract } from "@crm/core/api";
import { routes } from "@crm/core/declarations";
import { withPathParameters } from "@crm/core/platform";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { EndpointContext } from "./endpoint-context";
import {
  type DeclaredContractsOf,
  type EndpointRequest,
  type Handle,
  type PublicRouteId,
  parse,
  routeLogging,
} from "./endpoint-request";
import { endpointResponse } from "./endpoint-response";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";
import { problemResponses, standardHeaders } from "./problem-responses";
import { requestIdOf } from "./request-id";
import { routeMetrics } from "./route-metrics";

/**
 * Builds the Lambda handler of a public route (the health check, the API's documents): the same logging, headers,
 * validation, response and problem+json as httpEndpoint, without the token, membership, rate-limit and idempotency
 * steps that a public route never takes, so that its bundle holds none of them. Public routes take no body.
 */
export function publicEndpoint<R extends PublicRouteId>(
  routeId: R,
  declared: DeclaredContractsOf<R>,
  handle: Handle<R>,
) {
  const contract: RouteContract = withPathParameters(routes[routeId].path, declared[routeId]);
  if (contract.body) throw new Error(`${routeId} is public and has a body: public routes take none.`);
  return loggedInvocation<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, EndpointContext>()
    .use(standardHeaders())
    .use(problemResponses())
    .use(routeLogging(routeId))
    .use(routeMetrics(routeId))
    .handler(async (event) => {
      const request = {
        params: parse(contract.params, event.pathParameters ?? {}, "path"),
        query: parse(contract.query, event.queryStringParameters ?? {}, "query"),
        body: undefined,
        requestId: requestIdOf(event),
        preconditions: {},
        event,
      } as unknown as EndpointRequest<R>;
      const result = await handle(request);
      logger.info("request served", { status: contract.response.status });
      return endpointResponse(contract.response, event, result);
    });
}
