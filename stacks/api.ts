import { fallbackRoute, type RouteDeclaration, routeLinks, routes } from "../packages/core/src/declarations";
// What the routes are linked to, registered by the modules that create it (events brings the rest).
import "./events";
import { api } from "./http-api";
import { linksNamed } from "./links";
import { logicalName } from "./names";

export { api };

for (const [routeId, route] of Object.entries(routes) as [string, RouteDeclaration][]) {
  api.route(
    `${route.method} ${route.path}`,
    {
      handler: route.handler,
      link: linksNamed(routeLinks(route)),
      // What the handler reads at run time ships at the same path in its package (see shippedFile).
      ...(route.files ? { copyFiles: route.files.map((from) => ({ from })) } : {}),
    },
    { name: logicalName(routeId) },
  );
}
api.route("$default", fallbackRoute.handler, { name: "Fallback" });
