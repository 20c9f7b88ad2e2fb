import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { realtimeConfig } from "../../platform/config/realtime.config";

/**
 * Posts one invocation keeps in flight at once, each a call to the management API; the client keeps as many
 * sockets open, so no post waits for a socket and none opens a new one once the first message has gone out.
 */
export const postsInFlight = 64;

let client: ApiGatewayManagementApiClient | undefined;
const clientHooks: ((client: ApiGatewayManagementApiClient) => void)[] = [];

/**
 * Runs `configure` on the management API's client when it is built (at once if it already is), without building it
 * early: the client reads the WebSocket API's configuration, which is parsed once. The tests watch its posts here.
 */
export function onManagementApiClient(configure: (client: ApiGatewayManagementApiClient) => void): void {
  if (client) configure(client);
  else clientHooks.push(configure);
}

/**
 * The management API of the WebSocket API, built once per container. Always through `managementEndpoint` (the
 * execute-api host), never the request's domain: with a custom domain, posting through the domain is refused.
 * `cacheMiddleware` resolves the SDK's middleware stack once, not on every post.
 */
function managementApi(): ApiGatewayManagementApiClient {
  if (client) return client;
  const agent = { keepAlive: true, maxSockets: postsInFlight };
  client = new ApiGatewayManagementApiClient({
    endpoint: realtimeConfig().managementEndpoint,
    cacheMiddleware: true,
    requestHandler: { httpAgent: agent, httpsAgent: agent },
  });
  for (const configure of clientHooks.splice(0)) configure(client);
  return client;
}

export type PushOutcome = "delivered" | "gone";

/**
 * Sends one message, already encoded (once, for every connection it goes to), to one connection; `gone` when API
 * Gateway no longer knows it (410), which is not an error.
 */
export async function postToConnection(connectionId: string, data: Uint8Array): Promise<PushOutcome> {
  try {
    await managementApi().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    return "delivered";
  } catch (error) {
    if (error instanceof GoneException) return "gone";
    throw error;
  }
}
