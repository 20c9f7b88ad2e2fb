import { busSubscriptions, websocketApiName } from "@crm/core/declarations";
import type { DomainEvent } from "@crm/core/events";
import type { RealtimeMessage } from "@crm/core/realtime";
import { importHandler, lambdaContext } from "@crm/local/gateway";
import { startWebSocketGateway, type WebSocketGateway } from "@crm/local/websocket";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { vi } from "vitest";
import WebSocket from "ws";
import { anEventBridgeEvent } from "./events";

/**
 * Starts the local WebSocket gateway with the real handlers on a free port and links the handlers to it
 * (`SST_RESOURCE_Realtime`, as SST does). Call it before any handler reads the configuration, which happens once.
 */
export async function startRealtimeGateway(): Promise<WebSocketGateway> {
  const gateway = await startWebSocketGateway({ port: 0 });
  process.env[`SST_RESOURCE_${websocketApiName}`] = JSON.stringify({
    url: gateway.url,
    managementEndpoint: gateway.managementEndpoint,
    type: "sst.aws.ApiGatewayWebSocket",
  });
  return gateway;
}

/** Delivers a domain event to the real-time fan-out exactly as the bus does: an EventBridge envelope. */
export async function fanOut(event: DomainEvent): Promise<void> {
  const handler = await importHandler<
    (envelope: EventBridgeEvent<string, DomainEvent>, context: Context) => Promise<void>
  >(busSubscriptions.realtime.handler);
  await handler(anEventBridgeEvent(event), lambdaContext("realtime-fanout"));
}

/** A WebSocket client of the real-time API that keeps every message it receives, in order. */
export class RealtimeClient {
  readonly received: RealtimeMessage[] = [];
  /** Resolves with the close code once the connection is closed, by either side. */
  readonly closed: Promise<number>;
  private readonly returned = new Set<RealtimeMessage>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => this.received.push(JSON.parse(data.toString("utf8")) as RealtimeMessage));
    this.closed = new Promise((resolve) => socket.once("close", (code: number) => resolve(code)));
  }

  /** Connects with `?token=`; rejects with the HTTP status when the gateway refuses the upgrade. */
  static connect(url: string, token?: string): Promise<RealtimeClient> {
    const socket = new WebSocket(token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`);
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new RealtimeClient(socket)));
      socket.once("unexpected-response", (_request, response) => {
        reject(new ConnectionRefused(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once("error", reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The first message received, now or later, that matches and was not returned before. */
  async next(matches: (message: RealtimeMessage) => boolean = () => true): Promise<RealtimeMessage> {
    return vi.waitFor(
      () => {
        const found = this.received.find((message) => !this.returned.has(message) && matches(message));
        if (!found) throw new Error(`No matching message yet; received ${JSON.stringify(this.received)}`);
        this.returned.add(found);
        return found;
      },
      { timeout: 5_000, interval: 10 },
    );
  }

  /** Sends a message and returns the reply to it (every message gets exactly one). */
  async request(message: unknown): Promise<RealtimeMessage> {
    this.send(message);
    return this.next((reply) => reply.type !== "event");
  }

  /** The domain events received so far, in order. */
  events(): DomainEvent[] {
    return this.received.flatMap((message) => (message.type === "event" ? [message.event] : []));
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close(1000, "done");
    await this.closed;
  }
}

export class ConnectionRefused extends Error {
  constructor(readonly status: number) {
    super(`The gateway refused the connection with HTTP ${status}.`);
  }
}
