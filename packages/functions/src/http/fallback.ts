import { matchRoute } from "@crm/core/declarations";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
// From their own modules, not the platform index: the fallback needs none of the route factories.
import { HttpProblemError } from "../platform/http-problem";
import { problemOf, problemResponse, withStandardHeaders } from "../platform/problem-responses";

/**
 * The `$default` route: answers every request no route matches, from the same route table the gateway uses, so
 * an unknown path is a 404 and a known path with another method is a 405 listing the allowed methods.
 */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const match = matchRoute(event.requestContext.http.method, event.rawPath);
  const error =
    match.kind === "method-not-allowed"
      ? new HttpProblemError(
          "method-not-allowed",
          `${event.requestContext.http.method} is not supported here; use ${match.allow.join(", ")}.`,
          { allow: match.allow.join(", ") },
          { allow: match.allow },
        )
      : new HttpProblemError("route-not-found", `There is no endpoint at ${event.rawPath}; see /openapi.json.`);
  return withStandardHeaders(event, problemResponse(event, problemOf(error)));
};
