import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type ReceivedWebhook = {
  headers: IncomingHttpHeaders;
  body: string;
  /** Which of the receiver's trusted secrets verified the request when it arrived (verification checks the time). */
  verifiedWith: string[];
};

export type Answer = { status: number; body?: string };

export type WebhookReceiver = {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** TCP connections accepted, requests or not. */
  readonly connections: number;
  /** Secrets to verify each request with, as a receiver holding them would. */
  trust: (...secrets: string[]) => void;
  answer: (respond: (request: ReceivedWebhook, index: number) => Answer) => void;
  close: () => Promise<void>;
};

function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A webhook endpoint on 127.0.0.1 that records what it gets and answers as told (200 by default). */
export async function aWebhookReceiver(
  respond: (request: ReceivedWebhook, index: number) => Answer = () => ({ status: 200 }),
) {
  const received: ReceivedWebhook[] = [];
  const secrets: string[] = [];
  let respondWith = respond;
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const webhook: ReceivedWebhook = {
        headers: request.headers,
        body,
        verifiedWith: secrets.filter((secret) => verifies(secret, request.headers, body)),
      };
      received.push(webhook);
      const answer = respondWith(webhook, received.length - 1);
      response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? "");
    });
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    get connections() {
      return connections;
    },
    trust: (...more) => secrets.push(...more),
    answer: (next) => {
      respondWith = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}
