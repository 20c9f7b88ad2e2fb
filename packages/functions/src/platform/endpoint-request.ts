import type { Contracts, DeclaredContracts, TextDocument } from "@crm/core/api";
import type { BatchOutcome } from "@crm/core/batch";
import type { RouteId, routes } from "@crm/core/declarations";
import { fieldIssuesOf, type Identity, invalidInput, type Preconditions, type TenantContext } from "@crm/core/platform";
import type middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { z } from "zod";
import type { EndpointContext } from "./endpoint-context";
import { logger } from "./logger";
import { requestIdOf } from "./request-id";

// What httpEndpoint and publicEndpoint share: the request a handler receives, what it returns, input parsing and
// the route's log keys.

export type Contract<R extends RouteId> = Contracts[R];
type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
export type Access<R extends RouteId> = (typeof routes)[R]["access"];

/** What a handler receives: validated input and, depending on the route's access rule, the identity or tenant. */
export type EndpointRequest<R extends RouteId> = {
  params: Contract<R> extends { params: infer P } ? Output<P> : Record<string, never>;
  query: Contract<R> extends { query: infer Q } ? Output<Q> : Record<string, never>;
  body: Contract<R> extends { body: infer B } ? Output<B> : undefined;
  requestId: string;
  /** Conditional-request headers (If-Match), for the services that honour them. */
  preconditions: Preconditions;
  event: APIGatewayProxyEventV2;
} & (Access<R> extends "public"
  ? object
  : Access<R> extends "signed-in"
    ? { identity: Identity }
    : { identity: Identity; tenant: TenantContext });

/** A batch route's handler returns its entries' outcomes, each with the record its results' `data` documents. */
type BatchRecord<S extends z.ZodType> = NonNullable<
  z.input<S> extends { results: (infer Entry)[] } ? (Entry extends { data?: infer D } ? D : never) : never
>;

type Result<Response> = Response extends { mediaType: string }
  ? TextDocument
  : Response extends { batchEntryStatus: number; schema: infer S extends z.ZodType }
    ? BatchOutcome<BatchRecord<S>>[]
    : Response extends { schema: infer S extends z.ZodType }
      ? z.input<S>
      : unknown;

export type Handle<R extends RouteId> = (request: EndpointRequest<R>) => Promise<Result<Contract<R>["response"]>>;

export type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext>;

export function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, location: "path" | "query" | "body") {
  if (!schema) return {};
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(fieldIssuesOf(location, result.error.issues));
  return result.data;
}

/** The contracts a handler names: its domain's, holding its route's (see withPathParameters). */
export type DeclaredContractsOf<R extends RouteId> = { readonly [Id in R]: DeclaredContracts[Id] };

/** Puts the route and request ids on every log line of the invocation. */
export function routeLogging(
  routeId: RouteId,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, EndpointContext> {
  return {
    before: async (request: Request) => {
      logger.appendKeys({
        route: routeId,
        requestId: requestIdOf(request.event),
        gatewayRequestId: request.event.requestContext.requestId,
      });
    },
  };
}

/** The routes anyone may call, without a token. */
export type PublicRouteId = { [R in RouteId]: (typeof routes)[R]["access"] extends "public" ? R : never }[RouteId];
