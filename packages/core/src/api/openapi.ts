import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { apiKeyScopeFor, type RouteDeclaration, type RouteId, routes } from "../declarations/routes";
import { problemSchema } from "../platform/problem.schema";
import { contracts, type RouteContract } from "./contracts";

const etagHeader = z
  .string()
  .meta({ description: 'The record\'s version as a strong entity tag, e.g. `"3"`.', example: '"3"' });
const ifMatchHeader = z.string().optional().meta({
  description: "Apply the change only if the record's ETag is still this one (or `*`); otherwise 412. Optional.",
  example: '"3"',
});

const contentTagHeader = z.string().meta({
  description:
    "An entity tag of this answer (the record's version where it has one, else of the body): send it back as If-None-Match to revalidate.",
});
const ifNoneMatchHeader = z.string().optional().meta({
  description:
    "The ETag of the copy the caller holds (or several, comma-separated): when it is still current the answer is 304 with no body.",
  example: '"3"',
});

const idempotencyKeyHeader = z.string().min(1).max(255).optional().meta({
  description:
    "Makes a retry safe: the first response for this key is replayed for 24 hours (with `Idempotent-Replayed: true`); the same key with another body is 422, and while the first request still runs, 409 with Retry-After.",
  example: "6f1c8a52-3c1e-4f7e-9d4b-2a9b3f0e7c11",
});

const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

const errorDescriptions: Record<number, string> = {
  400: "The request is invalid: malformed JSON, unknown or invalid fields (see `errors`), or a bad cursor.",
  401: "No valid bearer credential: an ID token that is missing, malformed, expired, not yet valid, issued in the future, not an ID token (`token_use` other than `id`), or issued for someone else; or an API key that is malformed, wrong, revoked or expired.",
  403: "The caller's role, or the API key's scopes, do not allow this.",
  404: "No such organisation or record visible to the caller.",
  409: "Conflict: a duplicate unique value (see `existing`), the last admin, a concurrent change, or the same Idempotency-Key still in flight.",
  413: "The body is larger than the limit.",
  422: "The Idempotency-Key was already used with a different body.",
  412: "If-Match did not match: the record changed since the caller read it. The response's ETag is the current one.",
  415: "The body is not JSON.",
  429: "Too many requests from this caller or organisation in the current window; retry after `Retry-After` seconds.",
  503: "The token could not be checked because the identity provider's keys are unavailable; the token may be fine, so keep it and retry after `Retry-After` seconds.",
};

/** Who may call: an ID token always (unless public), and an API key holding the route's scope where keys may. */
function securityOf(route: RouteDeclaration): Record<string, string[]>[] {
  if (route.access === "public") return [];
  const scope = apiKeyScopeFor(route);
  return scope ? [{ bearer: [] }, { apiKey: [scope] }] : [{ bearer: [] }];
}

function errorStatuses(route: RouteDeclaration, contract: RouteContract): number[] {
  const statuses = new Set<number>(contract.errors ?? []);
  if (route.access !== "public") {
    statuses.add(401);
    statuses.add(429);
    // Checking the token needs the identity provider's keys.
    statuses.add(503);
  }
  if (Array.isArray(route.access)) {
    statuses.add(403);
    statuses.add(404);
  }
  if (contract.params || contract.query || contract.body) statuses.add(400);
  if (contract.conditional) statuses.add(412);
  if (route.method === "POST") {
    statuses.add(409);
    statuses.add(422);
  }
  if (contract.body) {
    statuses.add(413);
    statuses.add(415);
  }
  return [...statuses].sort();
}

function operation(routeId: RouteId): ZodOpenApiOperationObject {
  const route: RouteDeclaration = routes[routeId];
  const contract: RouteContract = contracts[routeId];
  const roles = Array.isArray(route.access) ? ` Roles: ${route.access.join(", ")}.` : "";
  // Every successful GET can be revalidated with If-None-Match (see endpointResponse).
  const isRevalidated = route.method === "GET" && contract.response.status === 200;
  const headers = {
    ...(contract.conditional ? { "if-match": ifMatchHeader } : {}),
    ...(route.method === "POST" ? { "idempotency-key": idempotencyKeyHeader } : {}),
    ...(isRevalidated ? { "if-none-match": ifNoneMatchHeader } : {}),
  };
  const responses: ZodOpenApiOperationObject["responses"] = {
    [String(contract.response.status)]: {
      description: contract.response.description,
      ...(contract.response.mediaType
        ? { content: { [contract.response.mediaType]: { schema: z.string() } } }
        : contract.response.schema
          ? { content: { "application/json": { schema: contract.response.schema as z.ZodType } } }
          : {}),
      ...(contract.response.etag
        ? { headers: z.object({ etag: etagHeader }) }
        : isRevalidated
          ? { headers: z.object({ etag: contentTagHeader }) }
          : {}),
    },
    ...(isRevalidated
      ? {
          "304": {
            description: "Not modified: If-None-Match named the current ETag. No body; the ETag header repeats it.",
            headers: z.object({ etag: contract.response.etag ? etagHeader : contentTagHeader }),
          },
        }
      : {}),
  };
  for (const status of errorStatuses(route, contract)) {
    responses[String(status) as `${1 | 2 | 3 | 4 | 5}${string}`] = problemResponse(
      errorDescriptions[status] ?? "Error.",
    );
  }
  return {
    operationId: routeId,
    summary: contract.summary,
    description: `${contract.description ?? contract.summary}${roles}`.trim(),
    tags: [contract.tag],
    security: securityOf(route),
    ...(contract.params || contract.query || Object.keys(headers).length > 0
      ? {
          requestParams: {
            ...(contract.params ? { path: contract.params } : {}),
            ...(contract.query ? { query: contract.query } : {}),
            ...(Object.keys(headers).length > 0 ? { header: z.object(headers) } : {}),
          },
        }
      : {}),
    ...(contract.body
      ? { requestBody: { required: true, content: { "application/json": { schema: contract.body } } } }
      : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document for every route of the route table, generated from the request/response schemas. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const routeId of Object.keys(routes) as RouteId[]) {
    const route = routes[routeId];
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(routeId) };
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "CRM API",
      version: "1.0.0",
      description:
        "A multi-tenant CRM API: organisations, members, contacts, companies, pipelines, deals, activities and tasks, with timelines, associations, search and an audit log. Errors are RFC 9457 problem details (`application/problem+json`). Lists are cursor-paginated: `{ data, nextCursor }`.\n\n**Authentication.** Every route but the public ones (health, these documents, the reference page) takes `Authorization: Bearer <credential>`: an ID token of the organisation's identity provider (`bearer`; locally, `npm run token` prints one), or an organisation's API key (`apiKey`), which works only on the routes whose `security` names one of its scopes. The organisation comes from the path and the caller's membership, never from the body: another organisation's ids are 404.\n\n**Events.** The domain events delivered to webhooks and over the WebSocket have the JSON Schema at [`/events/schema.json`](/events/schema.json).",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "An ID token from the organisation's identity provider (Cognito in AWS, the local identity provider locally).",
        },
        apiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "crm_key_….<secret>",
          description:
            "An API key of the organisation, created by an admin with `POST /v1/orgs/{orgId}/api-keys`, sent as `Authorization: Bearer <key>`. It works only on its organisation's routes, and only on those whose `security` names one of its scopes (`x:write` also grants `x:read`).",
        },
      },
    },
    paths,
  });
  return cached;
}
