import {
  type WebSocketRouteDeclaration,
  websocketApiName,
  websocketAuthorizer,
  websocketRoutes,
} from "../packages/core/src/declarations";
import { auth, cursorSigningKey } from "./auth";
import { logicalName } from "./names";
import { table } from "./storage";

/**
 * The real-time WebSocket API: every declared route, each its own function. Only `$connect` is authorised (API
 * Gateway applies route auth to it alone), by a Lambda authorizer that verifies the `token` query parameter with
 * the HTTP API's verifier: JWT authorizers do not work on WebSocket APIs.
 */
export const realtime = new sst.aws.ApiGatewayWebSocket(websocketApiName);

/** The links every WebSocket function needs: the table, the token settings and the cursor key (platform/config). */
const configLinks = [table, auth, cursorSigningKey];

const authorizer = realtime.addAuthorizer(websocketAuthorizer.name, {
  lambda: {
    function: { handler: websocketAuthorizer.handler, link: configLinks },
    identitySources: [...websocketAuthorizer.identitySources],
  },
});

for (const [routeKey, route] of Object.entries(websocketRoutes) as [string, WebSocketRouteDeclaration][]) {
  realtime.route(
    routeKey,
    // Functions that reply push through the management API, which the link grants (execute-api:ManageConnections).
    { handler: route.handler, link: route.pushes ? [...configLinks, realtime] : configLinks },
    { name: logicalName(routeKey), ...(routeKey === "$connect" ? { auth: { lambda: authorizer.id } } : {}) },
  );
}
