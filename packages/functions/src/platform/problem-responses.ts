import type { problemSchema } from "@crm/core/api";
import { DomainError } from "@crm/core/platform";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import { HttpProblemError, isProblemCode, type ProblemCode, problemCatalogue } from "./http-problem";
import { logger } from "./logger";
import { requestIdOf } from "./request-id";

export type ProblemDetails = z.input<typeof problemSchema>;

type Problem = {
  code: ProblemCode;
  detail: string;
  headers: Record<string, string>;
  extensions: Record<string, unknown>;
};

/** Turns any thrown error into the problem it represents; unknown errors become an opaque 500. */
function problemFor(error: unknown): Problem {
  if (error instanceof HttpProblemError) {
    return { code: error.code, detail: error.message, headers: error.headers, extensions: error.extensions };
  }
  // Each error brings its own fields and headers. A code missing from the catalogue (a class that bypassed
  // DomainErrorCode) is our bug, so it becomes the opaque 500 below, logged with the error.
  if (error instanceof DomainError && isProblemCode(error.code)) {
    return {
      code: error.code,
      detail: error.message,
      headers: error.problemHeaders(),
      extensions: error.problemFields(),
    };
  }
  return {
    code: "internal-error",
    detail: "The request failed unexpectedly; retry later.",
    headers: {},
    extensions: {},
  };
}

/** RFC 9457 problem details: the body of a problem+json response, and the error of a failed batch entry. */
export function problemDetails(event: APIGatewayProxyEventV2, problem: Problem): ProblemDetails {
  const { status, title } = problemCatalogue[problem.code];
  return {
    type: `/problems/${problem.code}`,
    title,
    status,
    detail: problem.detail,
    instance: event.rawPath,
    code: problem.code,
    requestId: requestIdOf(event),
    ...problem.extensions,
  };
}

/** An RFC 9457 problem+json response. */
export function problemResponse(
  event: APIGatewayProxyEventV2,
  problem: Problem,
): APIGatewayProxyStructuredResultV2 & { statusCode: number } {
  const details = problemDetails(event, problem);
  return {
    statusCode: details.status,
    headers: { "content-type": "application/problem+json", ...problem.headers },
    body: JSON.stringify(details),
  };
}

export function problemOf(error: unknown): Problem {
  return problemFor(error);
}

/**
 * The one place where errors become HTTP responses. 4xx are logged as information with their code; 5xx are logged
 * with the error, and their response never carries internals.
 */
export function problemResponses(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const problem = problemFor(request.error);
      const response = problemResponse(request.event, problem);
      if (response.statusCode >= 500) {
        logger.error("request failed", { error: request.error as Error });
      } else {
        logger.info("request refused", { status: response.statusCode, code: problem.code });
      }
      request.response = response;
    },
  };
}

/**
 * What every answer of this JSON API says to browsers and intermediaries (OWASP's REST security headers): never
 * sniff it as something else, never frame it, never load anything for it, never cache it, HTTPS only, no referrer.
 */
const securityHeaders = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
} as const;

/** The headers every answer carries, also the ones not built by an endpoint (the `$default` fallback). */
export function withStandardHeaders(
  event: APIGatewayProxyEventV2,
  response: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 {
  return { ...response, headers: { ...securityHeaders, "x-request-id": requestIdOf(event), ...response.headers } };
}

/** Adds the standard headers to every answer, success or problem. */
export function standardHeaders(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const apply = async (request: middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>) => {
    if (request.response) request.response = withStandardHeaders(request.event, request.response);
  };
  return { after: apply, onError: apply };
}
