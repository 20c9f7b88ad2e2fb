import {
  type WebSocketRouteDeclaration,
  websocketApiName,
  websocketAuthorizer,
  websocketAuthorizerLinks,
  websocketRouteLinks,
  websocketRoutes,
} from "../packages/core/src/declarations";
// What the functions are linked to, registered by the modules that create it.
import "./auth";
import { linkable, linksNamed } from "./links";
import { logicalName } from "./names";
import "./storage";

/**
 * The real-time WebSocket API: every declared route, each its own function. Only `$connect` is authorised (API
 * Gateway applies route auth to it alone), by a Lambda authorizer that verifies the `token` query parameter with
 * the HTTP API's verifier: JWT authorizers do not work on WebSocket APIs.
 */
export const realtime = linkable(websocketApiName, new sst.aws.ApiGatewayWebSocket(websocketApiName));

const authorizer = realtime.addAuthorizer(websocketAuthorizer.name, {
  lambda: {
    function: { handler: websocketAuthorizer.handler, link: linksNamed(websocketAuthorizerLinks) },
    identitySources: [...websocketAuthorizer.identitySources],
  },
});

for (const [routeKey, route] of Object.entries(websocketRoutes) as [string, WebSocketRouteDeclaration][]) {
  realtime.route(
    routeKey,
    // Functions that reply push through the management API, which the link grants (execute-api:ManageConnections).
    { handler: route.handler, link: linksNamed(websocketRouteLinks(route)) },
    { name: logicalName(routeKey), ...(routeKey === "$connect" ? { auth: { lambda: authorizer.id } } : {}) },
  );
}
