import type { Identity, TenantContext } from "@crm/core/platform";
import type { Context } from "aws-lambda";

/** What the middlewares learn about a request, carried on the Lambda context object for the handler. */
export type EndpointContext = Context & {
  endpoint?: {
    identity?: Identity;
    tenant?: TenantContext;
    params?: unknown;
    idempotencyScope?: string;
    /** The RateLimit headers every response of an authenticated route carries. */
    rateLimitHeaders?: Record<string, string>;
  };
};
