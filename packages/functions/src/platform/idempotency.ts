import {
  abandonIdempotentRequest,
  beginIdempotentRequest,
  completeIdempotentRequest,
  fingerprintOf,
  idempotencyScope,
} from "@crm/core/idempotency";
import { ValidationError } from "@crm/core/platform";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { EndpointContext } from "./endpoint-context";
import { HttpProblemError } from "./http-problem";

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext>;

/** Visible ASCII, 1 to 255 characters (Stripe's limit); a UUID is the usual choice. */
const validKey = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POST (IETF draft semantics): the first request with a key runs and its 2xx response is kept
 * for 24 hours; a retry with the same key and body gets that response again (`Idempotent-Replayed: true`), a
 * retry with another body is 422, and one while the first still runs is 409 with Retry-After. A request that
 * fails keeps nothing, so its retry runs again. Keys are scoped to the organisation (or person), caller and route.
 * What is kept is the route's own answer (status, body, its headers such as Location and ETag); a replay gets this
 * request's request id, rate-limit and security headers, like any answer.
 */
export function idempotency(
  routeId: string,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  return {
    before: async (request: Request) => {
      const key = request.event.headers["idempotency-key"];
      if (key === undefined || request.event.requestContext.http.method !== "POST") return;
      if (!validKey.test(key)) {
        throw new ValidationError([
          { path: "header.idempotency-key", message: "Must be 1 to 255 visible ASCII characters, such as a UUID." },
        ]);
      }
      const state = request.context.endpoint ?? {};
      const scope = idempotencyScope({
        tenant: state.tenant?.orgId ?? "-",
        caller: state.identity?.userId ?? "-",
        route: routeId,
        key,
      });
      const decision = await beginIdempotentRequest(scope, fingerprintOf(request.event.body));
      switch (decision.kind) {
        case "proceed":
          request.context.endpoint = { ...state, idempotencyScope: scope };
          return;
        case "replay":
          request.context.endpoint = {
            ...state,
            idempotentReplay: {
              statusCode: decision.response.statusCode,
              headers: { ...decision.response.headers, "idempotent-replayed": "true" },
              body: decision.response.body,
            },
          };
          return;
        case "in-flight":
          throw new HttpProblemError(
            "idempotency-key-in-flight",
            "A request with this Idempotency-Key is still being processed; retry after it finishes.",
            { "retry-after": String(decision.retryAfterSeconds) },
          );
        case "mismatch":
          throw new HttpProblemError(
            "idempotency-key-reused",
            "This Idempotency-Key was already used with a different request body; use a new key for a new request.",
          );
      }
    },
    after: async (request: Request) => {
      const scope = request.context.endpoint?.idempotencyScope;
      const response = request.response;
      if (!scope || !response) return;
      const statusCode = response.statusCode ?? 200;
      if (statusCode >= 200 && statusCode < 300) {
        await completeIdempotentRequest(scope, {
          statusCode,
          headers: Object.fromEntries(
            Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
          body: response.body ?? "",
        });
      } else {
        await abandonIdempotentRequest(scope);
      }
    },
    onError: async (request: Request) => {
      const scope = request.context.endpoint?.idempotencyScope;
      if (scope) await abandonIdempotentRequest(scope);
    },
  };
}
