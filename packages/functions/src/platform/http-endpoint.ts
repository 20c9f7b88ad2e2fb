import type { RouteContract } from "@crm/core/api";
import { type ApiKeyCredential, apiKeyCredentialOf, findApiKeyAccess, isApiKeyToken } from "@crm/core/api-key";
import {
  apiKeyScopeFor,
  type RouteAccess,
  type RouteDeclaration,
  type RouteId,
  routes,
  scopesGrant,
} from "@crm/core/declarations";
import { findActor } from "@crm/core/member";
import {
  ForbiddenError,
  type Identity,
  NotFoundError,
  type TenantContext,
  ValidationError,
  withPathParameters,
} from "@crm/core/platform";
import { consumeRateLimit } from "@crm/core/ratelimit";
import type middy from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { EndpointContext } from "./endpoint-context";
import {
  type DeclaredContractsOf,
  type EndpointRequest,
  type Handle,
  type PublicRouteId,
  parse,
  type Request,
  routeLogging,
} from "./endpoint-request";
import { endpointResponse } from "./endpoint-response";
import { HttpProblemError } from "./http-problem";
import { idempotency } from "./idempotency";
import { loggedInvocation } from "./invocation";
import { logger } from "./logger";
import { problemResponses, standardHeaders } from "./problem-responses";
import { requestIdOf } from "./request-id";
import { routeMetrics } from "./route-metrics";
import { bearerTokenOf, invalidCredential, verifyIdToken } from "./token-verifier";

/** Request bodies above this size are refused with 413, well below API Gateway's and Lambda's own limits. */
export const maxBodyBytes = 100 * 1024;

/**
 * Verifies the bearer token: an ID token here, at once; an API key (`crm_…`) only for its shape, because a key
 * belongs to an organisation and tenancy checks it there.
 */
function authentication(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  EndpointContext
> {
  return {
    before: async (request: Request) => {
      const token = bearerTokenOf(request.event.headers.authorization);
      if (isApiKeyToken(token)) {
        const apiKey = apiKeyCredentialOf(token);
        if (!apiKey) throw invalidCredential("The API key is invalid.");
        request.context.endpoint = { ...request.context.endpoint, apiKey };
        return;
      }
      request.context.endpoint = { ...request.context.endpoint, identity: await verifyIdToken(token) };
    },
  };
}

/**
 * The actor of an API key in the path's organisation: a key of another organisation is the same 404 as a
 * non-member; a wrong secret, a revoked or an expired key a 401; a route its scopes do not cover a 403.
 */
async function apiKeyTenant(
  route: RouteDeclaration,
  orgId: string,
  apiKey: ApiKeyCredential,
  requestId: string,
): Promise<{ identity: Identity; tenant: TenantContext }> {
  const access = await findApiKeyAccess(orgId, apiKey);
  if (access.kind === "unknown") throw new NotFoundError("organisation", orgId);
  if (access.kind === "refused") throw invalidCredential(access.reason);
  const scope = apiKeyScopeFor(route);
  if (!scope) throw new ForbiddenError("API keys cannot call this route; it is for people signed in.");
  if (!scopesGrant(access.scopes, scope)) {
    throw new ForbiddenError(
      `This needs an API key with the scope ${scope}; this key has ${access.scopes.join(", ")}.`,
    );
  }
  const { actor } = access;
  logger.appendKeys({ orgId, apiKeyId: actor.memberId });
  return { identity: actor, tenant: { orgId, actor, requestId } };
}

/**
 * For routes under an organisation: validates the path, then finds the caller's membership. Not being a member and
 * the organisation not existing are the same 404, so ids of other tenants reveal nothing; a member whose role is not
 * in the route's list gets 403.
 */
function tenancy(
  routeId: RouteId,
  contract: RouteContract,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  const route: RouteDeclaration = routes[routeId];
  const access: RouteAccess = route.access;
  return {
    before: async (request: Request) => {
      const params = parse(contract.params, request.event.pathParameters ?? {}, "path");
      request.context.endpoint = { ...request.context.endpoint, params };
      const { apiKey } = request.context.endpoint;
      if (!Array.isArray(access)) {
        if (apiKey)
          throw new ForbiddenError("API keys act inside their organisation; this route is for people signed in.");
        return;
      }
      const orgId = (params as { orgId: string }).orgId;
      if (apiKey) {
        Object.assign(request.context.endpoint, await apiKeyTenant(route, orgId, apiKey, requestIdOf(request.event)));
        return;
      }
      const identity = request.context.endpoint.identity as Identity;
      const actor = await findActor(orgId, identity);
      if (!actor) throw new NotFoundError("organisation", orgId);
      logger.appendKeys({ orgId, memberId: actor.memberId });
      if (!(access as readonly string[]).includes(actor.role)) {
        throw new ForbiddenError(`This needs one of the roles ${access.join(", ")}; you are ${actor.role}.`);
      }
      const tenant: TenantContext = { orgId, actor, requestId: requestIdOf(request.event) };
      request.context.endpoint.tenant = tenant;
    },
  };
}

/**
 * Per-caller and per-organisation rate limits, after the caller is known and before any work: a full window is a
 * 429 with Retry-After; every answer carries the RateLimit headers so clients can pace themselves.
 */
function rateLimiting(): middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  EndpointContext
> {
  const addHeaders = async (request: Request) => {
    const headers = request.context.endpoint?.rateLimitHeaders;
    if (headers && request.response) request.response.headers = { ...request.response.headers, ...headers };
  };
  return {
    before: async (request: Request) => {
      const { identity, tenant } = request.context.endpoint ?? {};
      const state = await consumeRateLimit({ callerId: (identity as Identity).userId, orgId: tenant?.orgId });
      const headers = {
        "ratelimit-limit": String(state.limit),
        "ratelimit-remaining": String(state.remaining),
        "ratelimit-reset": String(state.resetSeconds),
      };
      request.context.endpoint = { ...request.context.endpoint, rateLimitHeaders: headers };
      if (!state.allowed) {
        throw new HttpProblemError(
          "rate-limited",
          `Too many requests ${state.exceeded === "organisation" ? "in this organisation" : "from you"}: at most ${state.limit} per window; retry in ${state.resetSeconds} s.`,
          { ...headers, "retry-after": String(state.resetSeconds) },
        );
      }
    },
    after: addHeaders,
  };
}

/** Size and content-type checks before the JSON parser, so each failure is its own precise 4xx. */
function bodyLimits(
  contract: RouteContract,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  return {
    before: async (request: Request) => {
      if (!contract.body) return;
      const { body, isBase64Encoded } = request.event;
      const size = body === undefined ? 0 : Buffer.byteLength(body, isBase64Encoded ? "base64" : "utf8");
      if (size > maxBodyBytes) {
        throw new HttpProblemError("payload-too-large", `The body is ${size} bytes; the limit is ${maxBodyBytes}.`);
      }
      if (size === 0) throw new ValidationError([{ path: "body", message: "A JSON body is required." }]);
      const text = isBase64Encoded ? Buffer.from(body ?? "", "base64").toString("utf8") : (body ?? "");
      if (nestingDepthOf(text) > maxBodyNesting) {
        throw new ValidationError([{ path: "body", message: `Nested more than ${maxBodyNesting} levels deep.` }]);
      }
    },
  };
}

/** No contract nests this deep; a deeper body would only exhaust the stack of whatever walks it (a 500). */
const maxBodyNesting = 32;

/** How deep arrays and objects nest in JSON text, outside its strings; malformed text is the parser's to refuse. */
function nestingDepthOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "[" || character === "{") deepest = Math.max(deepest, ++depth);
    else if (character === "]" || character === "}") depth--;
  }
  return deepest;
}

/** Maps @middy/http-json-body-parser's errors onto this API's problems (it answers 422 for malformed JSON). */
function jsonBody(
  contract: RouteContract,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  const parser = httpJsonBodyParser() as middy.MiddlewareObj<APIGatewayProxyEventV2>;
  return {
    before: async (request: Request) => {
      if (!contract.body) return;
      try {
        await parser.before?.(request as unknown as middy.Request<APIGatewayProxyEventV2>);
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 415) {
          throw new HttpProblemError(
            "unsupported-media-type",
            "Send the body as application/json.",
            {},
            {},
            { cause: error },
          );
        }
        throw new HttpProblemError("malformed-json", "The body could not be parsed as JSON.", {}, {}, { cause: error });
      }
    },
  };
}

/**
 * Builds the Lambda handler of a route that needs a signed-in caller (public routes have publicEndpoint):
 * authentication, tenancy and role checks, validation of path, query and body against the route's contract, then the
 * handler, whose result is answered as the contract's response declares. Every failure on the way becomes a
 * problem+json response in one place. The handler names its domain's contracts, which hold its route's, so that its
 * bundle holds that domain's schemas, not every route's.
 */
export function httpEndpoint<R extends Exclude<RouteId, PublicRouteId>>(
  routeId: R,
  declared: DeclaredContractsOf<R>,
  handle: Handle<R>,
) {
  const route = routes[routeId as RouteId];
  const contract: RouteContract = withPathParameters(route.path, declared[routeId]);
  return loggedInvocation<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, EndpointContext>()
    .use(standardHeaders())
    .use(problemResponses())
    .use(routeLogging(routeId))
    .use(routeMetrics(routeId))
    .use(authentication())
    .use(tenancy(routeId, contract))
    .use(rateLimiting())
    .use(bodyLimits(contract))
    .use(jsonBody(contract))
    .use(idempotency(routeId))
    .handler(async (event, context) => {
      const state = context.endpoint ?? {};
      if (state.idempotentReplay) {
        logger.info("request replayed", { status: state.idempotentReplay.statusCode });
        return state.idempotentReplay;
      }
      const request = {
        params: state.params ?? {},
        query: parse(contract.query, event.queryStringParameters ?? {}, "query"),
        body: contract.body ? parse(contract.body, event.body, "body") : undefined,
        requestId: requestIdOf(event),
        preconditions: event.headers["if-match"] === undefined ? {} : { ifMatch: event.headers["if-match"] },
        event,
        identity: state.identity,
        tenant: state.tenant,
      } as unknown as EndpointRequest<R>;
      const result = await handle(request);
      logger.info("request served", { status: contract.response.status });
      return endpointResponse(contract.response, event, result);
    });
}
