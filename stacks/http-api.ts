import { corsPolicy } from "../packages/core/src/declarations";

/**
 * The HTTP API: every route of the route table, each its own function, and the `$default` route for everything
 * else. No API Gateway authorizer: handlers verify tokens themselves so that 401s are problem+json everywhere.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: {
    allowOrigins: [...corsPolicy.allowOrigins],
    allowMethods: [...corsPolicy.allowMethods],
    allowHeaders: [...corsPolicy.allowHeaders],
    exposeHeaders: [...corsPolicy.exposeHeaders],
    maxAge: `${corsPolicy.maxAgeSeconds} seconds`,
  },
});
