import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { realtimeConfig } from "../../platform/config/realtime.config";

let client: ApiGatewayManagementApiClient | undefined;

/**
 * The management API of the WebSocket API, built once per process. Always through `managementEndpoint` (the
 * execute-api host), never the request's domain: with a custom domain, posting through the domain is refused.
 */
function managementApi(): ApiGatewayManagementApiClient {
  if (client) return client;
  client = new ApiGatewayManagementApiClient({ endpoint: realtimeConfig().managementEndpoint });
  return client;
}

export type PushOutcome = "delivered" | "gone";

/** Sends one message to one connection; `gone` when API Gateway no longer knows it (410), which is not an error. */
export async function postToConnection(connectionId: string, data: string): Promise<PushOutcome> {
  try {
    await managementApi().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    return "delivered";
  } catch (error) {
    if (error instanceof GoneException) return "gone";
    throw error;
  }
}
