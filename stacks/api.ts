import { fallbackRoute, type RouteDeclaration, routes } from "../packages/core/src/declarations";
import { auth, cursorSigningKey } from "./auth";
import { bus } from "./events";
import { filesBucket } from "./files";
import { api } from "./http-api";
import { integrationLinks, tokenVault } from "./integrations";
import { logicalName } from "./names";
import { table } from "./storage";

export { api };

/**
 * Resources a route's function is linked to: tenant routes and signed-in routes read the table and verify tokens;
 * what a route declares it uses comes on top (`vault` is the token vault alone, which `integrations` includes).
 */
function linksFor(route: RouteDeclaration) {
  const uses = new Set(route.uses ?? []);
  return [
    ...(route.access === "public" ? (uses.has("table") ? [table] : []) : [table, auth, cursorSigningKey]),
    ...(uses.has("integrations") ? integrationLinks : uses.has("vault") ? [tokenVault] : []),
    ...(uses.has("bus") ? [bus] : []),
    ...(uses.has("files") ? [filesBucket] : []),
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
