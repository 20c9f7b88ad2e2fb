import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { apiKeyScopeFor, type RouteDeclaration, type RouteId, routes } from "../declarations/routes";
import { problemSchema } from "../platform/problem.schema";
import { contracts, type RouteContract } from "./contracts";
import { withDerivedExamples } from "./openapi-examples";

const etagHeader = z
  .string()
  .meta({ description: 'The record\'s version as a strong entity tag, e.g. `"3"`.', example: '"3"' });
const ifMatchHeader = z.string().optional().meta({
  description:
    'Apply the change only if the record\'s ETag is still this one, e.g. `"3"` (or `*`); otherwise 412. Optional.',
});

const contentTagHeader = z.string().meta({
  description:
    "An entity tag of this answer (the record's version where it has one, else of the body): send it back as If-None-Match to revalidate.",
});
const ifNoneMatchHeader = z.string().optional().meta({
  description:
    "The ETag of the copy the caller holds (or several, comma-separated): when it is still current the answer is 304 with no body.",
});

const idempotencyKeyHeader = z.string().min(1).max(255).optional().meta({
  description:
    "Makes a retry safe: the first response for this key is replayed for 24 hours (with `Idempotent-Replayed: true`); the same key with another body is 422, and while the first request still runs, 409 with Retry-After. A fresh UUID per change, e.g. `6f1c8a52-3c1e-4f7e-9d4b-2a9b3f0e7c11`.",
});

/** What each error status means here, with the problem an example shows for it (its code and title as answered). */
const errorResponses: Record<number, { description: string; code: string; title: string; detail: string }> = {
  400: {
    description: "The request is invalid: malformed JSON, unknown or invalid fields (see `errors`), or a bad cursor.",
    code: "validation-failed",
    title: "Your request is not valid.",
    detail: "One field is invalid; see errors for each one.",
  },
  401: {
    description:
      "No valid bearer credential: an ID token that is missing, malformed, expired, not yet valid, issued in the future, not an ID token (`token_use` other than `id`), or issued for someone else; or an API key that is malformed, wrong, revoked or expired.",
    code: "unauthorized",
    title: "Authentication is required.",
    detail: "The bearer token has expired.",
  },
  403: {
    description: "The caller's role, or the API key's scopes, do not allow this.",
    code: "forbidden",
    title: "You are not allowed to do this.",
    detail: "Your role does not allow this.",
  },
  404: {
    description: "No such organisation or record visible to the caller.",
    code: "not-found",
    title: "The resource does not exist.",
    detail: "No such record in this organisation.",
  },
  409: {
    description:
      "Conflict: a duplicate unique value (see `existing`), the last admin, a concurrent change, or the same Idempotency-Key still in flight.",
    code: "concurrent-modification",
    title: "The record was changed by another request.",
    detail: "Another request changed the record at the same time; read it again and retry.",
  },
  410: {
    description:
      "The change feed's cursor is older than its 30 days of retention: events after it may be gone. Resync the records, then read the feed again without `after`.",
    code: "cursor-expired",
    title: "The cursor is older than the change feed keeps events.",
    detail:
      "The cursor is older than the change feed's 30 days of retention; resync, then read the feed without after.",
  },
  412: {
    description:
      "If-Match did not match: the record changed since the caller read it. The response's ETag is the current one.",
    code: "precondition-failed",
    title: "The record has changed since you read it.",
    detail: 'If-Match was "2" but the record is at "3".',
  },
  413: {
    description: "The body is larger than the limit.",
    code: "payload-too-large",
    title: "The body is too large.",
    detail: "The body is larger than the limit.",
  },
  415: {
    description: "The body is not JSON.",
    code: "unsupported-media-type",
    title: "The body must be JSON.",
    detail: "Send the body as application/json.",
  },
  422: {
    description: "The Idempotency-Key was already used with a different body.",
    code: "idempotency-key-reused",
    title: "This Idempotency-Key was used with another request.",
    detail: "This Idempotency-Key was first used with another body.",
  },
  429: {
    description:
      "Too many requests from this caller or organisation in the current window; retry after `Retry-After` seconds.",
    code: "rate-limited",
    title: "Too many requests.",
    detail: "Retry after 12 seconds.",
  },
  502: {
    description: "The connected provider did not answer, or answered with an error; retry later.",
    code: "provider-unavailable",
    title: "The provider did not answer.",
    detail: "The provider did not answer in time.",
  },
  503: {
    description:
      "The token could not be checked because the identity provider's keys are unavailable; the token may be fine, so keep it and retry after `Retry-After` seconds.",
    code: "service-unavailable",
    title: "The service is unavailable for a moment.",
    detail: "The identity provider's keys are unavailable; retry later.",
  },
};

/** The request path of a route with its parameters' examples in place: what a problem's `instance` would be. */
function examplePath(route: RouteDeclaration, contract: RouteContract): string {
  const parameters = contract.params?.shape ?? {};
  return route.path.replace(/\{(\w+)\}/g, (template, name: string) => {
    const example = (parameters[name] as z.ZodType | undefined)?.meta()?.example;
    return typeof example === "string" ? example : template;
  });
}

/** The first field a request has, for the field path of a validation problem's example (`body.firstName`). */
function firstFieldOf(contract: RouteContract): string {
  for (const [location, schema] of [
    ["body", contract.body],
    ["query", contract.query],
    ["path", contract.params],
  ] as const) {
    if (schema instanceof z.ZodObject) {
      const [field] = Object.keys(schema.shape);
      if (field) return `${location}.${field}`;
    }
    if (schema) return location;
  }
  return "body";
}

/** A problem+json response for an error status, with an example problem for this route. */
function problemResponse(status: number, route: RouteDeclaration, contract: RouteContract) {
  const known = errorResponses[status];
  if (!known) throw new Error(`No description of the error status ${status} (${route.method} ${route.path}).`);
  const { description, code, title, detail } = known;
  const example = {
    type: `/problems/${code}`,
    title,
    status,
    detail,
    instance: examplePath(route, contract),
    code,
    requestId: "Kx3v2gJaoAMEVbQ=",
    ...(status === 400 ? { errors: [{ path: firstFieldOf(contract), message: "Invalid input" }] } : {}),
  };
  return { description, content: { "application/problem+json": { schema: problemSchema, example } } };
}

/**
 * A public route has no limiter of its own, but in AWS the gateway's throttle (the account's limit in the region)
 * answers every route, with its own body rather than a problem.
 */
const gatewayThrottled = {
  description:
    "In AWS, the gateway's throttle (the account's request rate limit in the region) was exceeded; retry later. The body is the gateway's own, not a problem detail.",
  content: {
    "application/json": {
      schema: z.object({ message: z.string() }).meta({ id: "GatewayError", example: { message: "Too Many Requests" } }),
    },
  },
};

/** Every tag a contract may name, described once; the compiler insists each has a description. */
const tagDescriptions: Record<RouteContract["tag"], string> = {
  System: "The API's health and its machine-readable documents. No token needed.",
  Organisations: "Organisations, the tenants: each record belongs to exactly one.",
  Members: "The people of an organisation and their roles (admin, manager, member, viewer).",
  Contacts: "People the organisation deals with: names, emails (unique per organisation), phones, owner, companies.",
  Companies: "Organisations the contacts work for: name, domain (unique per organisation), industry, address.",
  Pipelines: "Sales pipelines and their ordered stages, with the board, the forecast and the rotting deals.",
  Deals: "Opportunities moving through a pipeline's stages, with their value, status and stage history.",
  Activities: "Notes, tasks, calls, meetings and emails linked to contacts, companies and deals, and the timelines.",
  Trash: "Records deleted in the last 30 days, and restoring them with their links.",
  Duplicates: "Contacts and companies that look like the same one, found as they are written, and merging them.",
  Automation: "Rules that run actions (create a task, update a field, notify) when a domain event matches.",
  Audit: "The change history of the organisation: who changed what, when, with the fields before and after.",
  Events: "The change feed: the organisation's domain events in order, with a durable cursor to resume from.",
  Search: "Prefix search over contacts, companies and deals.",
  Webhooks: "Subscriptions that deliver the organisation's domain events to an HTTPS endpoint, signed.",
  "API keys": "Keys for machine callers, limited to their scopes and their organisation.",
  Notifications: "What the signed-in member was told about: assignments, mentions, due tasks.",
  Integrations: "Connections to email, calendar and accounting providers, their sync and their invoices.",
  Files: "Files on contacts, companies, deals and activities, uploaded and downloaded through presigned requests.",
  Imports: "CSV imports of contacts, companies and deals, run in the background.",
  Exports: "Exports of contacts, companies or deals as CSV or NDJSON, run in the background.",
  "Saved views": "Named filters, sorts and columns of the contacts, companies and deals lists, private or shared.",
  "Custom fields":
    "Fields an organisation adds to its contacts, companies, deals and activities, and the JSON Schema of each record type with them.",
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
    responses[String(status) as `${1 | 2 | 3 | 4 | 5}${string}`] = problemResponse(status, route, contract);
  }
  if (route.access === "public" && !Object.keys(responses).some((status) => status.startsWith("4"))) {
    responses["429"] = gatewayThrottled;
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
  const usedTags = new Set(Object.values(contracts).map((contract: RouteContract) => contract.tag));
  const document = createDocument({
    openapi: "3.1.0",
    info: {
      title: "CRM API",
      version: "1.0.0",
      description:
        "A multi-tenant CRM API: organisations, members, contacts, companies, pipelines, deals, activities and tasks, with timelines, associations, search and an audit log. Errors are RFC 9457 problem details (`application/problem+json`). Lists are cursor-paginated: `{ data, nextCursor }`.\n\n**Authentication.** Every route but the public ones (health, these documents, the reference page) takes `Authorization: Bearer <credential>`: an ID token of the organisation's identity provider (`bearer`; locally, `npm run token` prints one), or an organisation's API key (`apiKey`), which works only on the routes whose `security` names one of its scopes. The organisation comes from the path and the caller's membership, never from the body: another organisation's ids are 404.\n\n**Events.** The domain events delivered to webhooks and over the WebSocket have the JSON Schema at [`/events/schema.json`](/events/schema.json).",
      contact: { name: "The CRM API team" },
      // The packages are private and published under no licence; LicenseRef- is SPDX's form for such a one.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [
      { url: "/", description: "The API that served this document (a relative URL resolves against it)." },
      { url: "http://127.0.0.1:3000", description: "The local cloud started by `npm start` (PORT, default 3000)." },
    ],
    tags: Object.entries(tagDescriptions)
      .filter(([name]) => usedTags.has(name as RouteContract["tag"]))
      .map(([name, description]) => ({ name, description })),
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
  cached = withDerivedExamples(document);
  return cached;
}
