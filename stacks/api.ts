import {
  corsPolicy,
  fallbackRoute,
  integrationSettingsName,
  type RouteDeclaration,
  routes,
} from "../packages/core/src/declarations";
import { auth, cursorSigningKey } from "./auth";
import { bus } from "./events";
import { google, oauthStateSigningKey, tokenVault } from "./integrations";
import { logicalName } from "./names";
import { table } from "./storage";

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

/** Where OAuth callbacks and provider notifications come back to: this API's own URL. */
const integrationSettings = new sst.Linkable(integrationSettingsName, { properties: { publicApiUrl: api.url } });

/**
 * Resources a route's function is linked to: tenant routes and signed-in routes read the table and verify tokens;
 * what a route declares it uses comes on top.
 */
function linksFor(route: RouteDeclaration) {
  const uses = new Set(route.uses ?? []);
  return [
    ...(route.access === "public" ? (uses.has("table") ? [table] : []) : [table, auth, cursorSigningKey]),
    ...(uses.has("integrations") ? [tokenVault, oauthStateSigningKey, integrationSettings, google] : []),
    ...(uses.has("bus") ? [bus] : []),
  ];
}

for (const [routeId, route] of Object.entries(routes) as [string, RouteDeclaration][]) {
  api.route(
    `${route.method} ${route.path}`,
    { handler: route.handler, link: linksFor(route) },
    { name: logicalName(routeId) },
  );
}
api.route("$default", fallbackRoute.handler, { name: "Fallback" });
