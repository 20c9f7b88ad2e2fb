import { z } from "zod";
import { pathParametersOf } from "./path-parameters";
import { pageCursor, pageLimit } from "./schema";

/** What a route answers, and so what the handler factory emits besides the body. */
export type ResponseContract = {
  status: 200 | 201 | 202 | 204;
  description: string;
  schema?: z.ZodType;
  /** The result's `version` is sent as the ETag header (and documented as such). */
  etag?: true;
  /** The result's `id`, appended to the request path, is sent as the Location header. */
  location?: true;
  /** The handler returns a batch's outcomes; the body lists them, a successful entry with this status. */
  batchEntryStatus?: 200 | 201;
  /** The answer is a document of this media type, not JSON: the handler returns a TextDocument. */
  mediaType?: "text/html" | "text/javascript";
};

/** What a handler of a route whose response has a `mediaType` returns: the text, and headers of its own (a CSP). */
export type TextDocument = { text: string; headers?: Record<string, string> };

/**
 * What a route accepts and returns. The handler factory validates requests with these schemas and the OpenAPI
 * document is generated from them, so documentation and validation cannot disagree.
 */
export type RouteContract = {
  summary: string;
  /** The OpenAPI generator appends the roles allowed, so a description need not name them. */
  description?: string;
  tag:
    | "System"
    | "Organisations"
    | "Members"
    | "Contacts"
    | "Companies"
    | "Pipelines"
    | "Deals"
    | "Activities"
    | "Trash"
    | "Duplicates"
    | "Automation"
    | "Audit"
    | "Events"
    | "Search"
    | "Webhooks"
    | "API keys"
    | "Notifications"
    | "Integrations"
    | "Files"
    | "Imports"
    | "Exports"
    | "Custom fields"
    | "Saved views";
  /** Derived from the route's path template (platform/path-parameters.ts), never declared beside the route. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: ResponseContract;
  /** PATCH/DELETE that honour If-Match (412 when the record changed since the caller read it). */
  conditional?: true;
  /** Error statuses besides the ones every route of its kind can return (400, 401, 403, 404 ...). */
  errors?: number[];
};

/** One contract per route of a `*.routes.ts`, no more, no fewer, without path parameters: its `*.contract.ts` satisfies this. */
export type ContractsOf<Routes> = { readonly [RouteId in keyof Routes]: Omit<RouteContract, "params"> };

/** The query of a plain cursor-paginated list. */
export const pageQuery = z.strictObject({ limit: pageLimit, cursor: pageCursor.optional() });

/**
 * A route's contract as declared beside its domain, with the schema of its path parameters derived from its path
 * template: what the contracts assembly holds for every route and the HTTP factory builds for its own.
 */
export function withPathParameters<C extends Omit<RouteContract, "params">>(path: string, declared: C): RouteContract {
  const params = pathParametersOf(path);
  return params ? { ...declared, params } : declared;
}
