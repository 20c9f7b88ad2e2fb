import createClient, {
  type ClientOptions,
  type FetchOptions,
  type FetchResponse,
  type Middleware,
} from "openapi-fetch";
import type { FilterKeys, HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import type { paths } from "./schema";

/** A bearer credential: an ID token or an API key, or a function that returns a current one for each request. */
export type CrmCredential = string | (() => string | Promise<string>);

export type CrmClientOptions = {
  /** Where the API is: `http://127.0.0.1:3000` for the local cloud, the HTTP API's URL in AWS. */
  baseUrl: string;
  token: CrmCredential;
  /** A fetch of the caller's (a test double, a proxy-aware one); the global fetch by default. */
  fetch?: ClientOptions["fetch"];
};

type Operation<Path extends keyof paths, Method extends HttpMethod> = FilterKeys<paths[Path], Method>;
type Options<Path extends keyof paths, Method extends HttpMethod> = FetchOptions<Operation<Path, Method>>;
type Response<Path extends keyof paths, Method extends HttpMethod> =
  Operation<Path, Method> extends Record<string | number, unknown>
    ? // Any media type: answers are application/json, errors application/problem+json.
      FetchResponse<Operation<Path, Method>, Options<Path, Method>, MediaType>
    : never;

/**
 * One HTTP method's calls. openapi-fetch's own signature infers the options as a type parameter and so lets an
 * unknown field through (openapi-typescript issues 1769 and 2329): here the options' type follows from the path
 * alone, so an object literal is checked as written and a misspelt body field does not compile.
 */
export type CrmClientMethod<Method extends HttpMethod> = <Path extends PathsWithMethod<paths, Method>>(
  path: Path,
  ...options: RequiredKeysOf<Options<Path, Method>> extends never
    ? [options?: Options<Path, Method>]
    : [options: Options<Path, Method>]
) => Promise<Response<Path, Method>>;

/** Every operation of the API as a typed call: `crm.POST("/v1/orgs/{orgId}/contacts", { params, body })`. */
export type CrmClient = {
  GET: CrmClientMethod<"get">;
  POST: CrmClientMethod<"post">;
  PUT: CrmClientMethod<"put">;
  PATCH: CrmClientMethod<"patch">;
  DELETE: CrmClientMethod<"delete">;
  /** Adds openapi-fetch middleware (logging, retries) to every call. */
  use: (...middleware: Middleware[]) => void;
};

/** A typed client of the CRM API that sends `Authorization: Bearer <token>` with every request. */
export function createCrmClient(options: CrmClientOptions): CrmClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { token } = options;
  client.use({
    // Read per request, so a function credential can hand out a refreshed token.
    async onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${typeof token === "function" ? await token() : token}`);
      return request;
    },
  });
  // The same calls at run time; only their declared types are stricter (see CrmClientMethod).
  return client as unknown as CrmClient;
}
