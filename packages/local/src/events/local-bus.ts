import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BusSubscription } from "@crm/core/declarations";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { importHandler, lambdaContext } from "../gateway";
import { busRulePattern, matchesPattern } from "./event-pattern";

export type EventBridgeEnvelope = EventBridgeEvent<string, unknown>;
type SubscriberHandler = (event: EventBridgeEnvelope, context: Context) => Promise<unknown>;

export type DeadLetter = {
  subscription: string;
  event: EventBridgeEnvelope;
  error: string;
  attempts: number;
  failedAt: string;
};

export type LocalBusOptions = {
  /** The bus name PutEvents must address (`Resource.CrmBus.name`). */
  busName: string;
  subscriptions: Readonly<Record<string, BusSubscription>>;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Attempts per delivery before it goes to the dead-letter list, and the first retry's delay (doubling, jittered). */
  retry?: { attempts: number; baseDelayMs: number };
  loadHandler?: (handler: string) => Promise<SubscriberHandler>;
  log?: (message: string) => void;
};

export type LocalBus = {
  /** Where `@aws-sdk/client-eventbridge` sends PutEvents (`EVENTBRIDGE_ENDPOINT`). */
  endpoint: string;
  /** Deliveries that failed every attempt, like a rule target's dead-letter queue. Also at `GET /dead-letters`. */
  deadLetters: () => DeadLetter[];
  /** Resolves once every accepted event has been delivered or dead-lettered. */
  idle: () => Promise<void>;
  close: () => Promise<void>;
};

/**
 * An EventBridge stand-in: it accepts the real SDK's PutEvents calls (JSON 1.1 protocol), matches every entry against
 * the declared subscriptions' patterns, and invokes each matching subscriber's handler module asynchronously with
 * the envelope EventBridge delivers, retrying failures with exponential backoff and jitter and keeping what still
 * fails in a dead-letter list.
 */
export async function startLocalBus(options: LocalBusOptions): Promise<LocalBus> {
  const retry = options.retry ?? { attempts: 4, baseDelayMs: 200 };
  const loadHandler = options.loadHandler ?? importHandler<SubscriberHandler>;
  const log = options.log ?? (() => undefined);
  const deadLetters: DeadLetter[] = [];
  const rules = Object.entries(options.subscriptions).map(([name, subscription]) => ({
    name,
    subscription,
    pattern: busRulePattern(subscription.pattern),
  }));
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    inFlight--;
    if (inFlight === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  const deliver = async (rule: (typeof rules)[number], event: EventBridgeEnvelope, attempt: number) => {
    try {
      const handler = await loadHandler(rule.subscription.handler);
      await handler(event, lambdaContext(`bus-${rule.name}`));
      settle();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < retry.attempts) {
        const delay = retry.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
        log(`[bus] ${rule.name} failed on ${event["detail-type"]} (attempt ${attempt}): ${message}; retrying`);
        setTimeout(() => void deliver(rule, event, attempt + 1), delay).unref();
        return;
      }
      log(`[bus] ${rule.name} gave up on ${event["detail-type"]} ${event.id}: ${message}`);
      deadLetters.push({
        subscription: rule.name,
        event,
        error: message,
        attempts: attempt,
        failedAt: new Date().toISOString(),
      });
      settle();
    }
  };

  const putEvents = (body: { Entries?: Record<string, unknown>[] }) => {
    const entries = body.Entries ?? [];
    if (entries.length === 0 || entries.length > 10) {
      return { status: 400, body: { __type: "ValidationException", message: "Entries must hold 1 to 10 events." } };
    }
    const results = entries.map((entry) => {
      if ((entry.EventBusName ?? "default") !== options.busName) {
        return {
          ErrorCode: "ResourceNotFoundException",
          ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.`,
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? "{}"));
      } catch {
        return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
      }
      const time = entry.Time ? new Date(Number(entry.Time) * 1000) : new Date();
      const event: EventBridgeEnvelope = {
        version: "0",
        id: randomUUID(),
        "detail-type": String(entry.DetailType),
        source: String(entry.Source),
        account: "000000000000",
        time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
        region: "us-east-1",
        resources: (entry.Resources as string[] | undefined) ?? [],
        detail,
      };
      for (const rule of rules) {
        if (!matchesPattern(rule.pattern, event)) continue;
        inFlight++;
        setImmediate(() => void deliver(rule, event, 1));
      }
      return { EventId: event.id };
    });
    return {
      status: 200,
      body: { FailedEntryCount: results.filter((result) => "ErrorCode" in result).length, Entries: results },
    };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        response.end(JSON.stringify(body));
      };
      if (request.method === "GET" && request.url === "/dead-letters") return reply(200, deadLetters);
      const target = request.headers["x-amz-target"];
      if (request.method !== "POST" || target !== "AWSEvents.PutEvents") {
        return reply(400, { __type: "UnknownOperationException", message: `Unsupported operation ${String(target)}` });
      }
      try {
        const result = putEvents(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
        reply(result.status, result.body);
      } catch {
        reply(400, { __type: "SerializationException", message: "The body is not valid JSON." });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${options.host ?? "127.0.0.1"}:${port}`,
    deadLetters: () => [...deadLetters],
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
