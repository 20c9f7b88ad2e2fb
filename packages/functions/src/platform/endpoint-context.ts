import type { ApiKeyCredential } from "@crm/core/api-key";
import type { Identity, TenantContext } from "@crm/core/platform";
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

/** What the middlewares learn about a request, carried on the Lambda context object for the handler. */
export type EndpointContext = Context & {
  endpoint?: {
    identity?: Identity;
    /** An API key the caller sent instead of an ID token, until tenancy has checked it against the organisation. */
    apiKey?: ApiKeyCredential;
    tenant?: TenantContext;
    params?: unknown;
    idempotencyScope?: string;
    /**
     * The first answer to this Idempotency-Key, to give again. The handler returns it instead of running, so that
     * every `after` middleware (standard and rate-limit headers) still applies to it, as to any answer.
     */
    idempotentReplay?: APIGatewayProxyStructuredResultV2;
    /** The RateLimit headers every response of an authenticated route carries. */
    rateLimitHeaders?: Record<string, string>;
  };
};
