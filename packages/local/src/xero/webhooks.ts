import { createHmac, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/** One event of a Xero webhook payload. */
export type XeroWebhookEvent = {
  resourceUrl: string;
  resourceId: string;
  /** UTC without a zone, e.g. 2024-01-15T10:30:00.000, as Xero writes it. */
  eventDateUtc: string;
  eventType: "CREATE" | "UPDATE";
  eventCategory: "INVOICE" | "CONTACT";
  tenantId: string;
  tenantType: "ORGANISATION";
};

/** The JSON body Xero POSTs; an intent-to-receive request has no events and sequence 0. */
export type XeroWebhookPayload = {
  events: XeroWebhookEvent[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
};

/** A change the Accounting API reports to the emitter. */
export type XeroResourceChange = {
  tenantId: string;
  category: "INVOICE" | "CONTACT";
  type: "CREATE" | "UPDATE";
  resourceId: string;
};

/** One POST to an endpoint, for assertions. */
export type XeroWebhookDelivery = {
  url: string;
  kind: "events" | "intent-to-receive";
  /** 1 for the first attempt; 0 when nothing was sent (the endpoint has not passed intent to receive). */
  attempt: number;
  /** The exact bytes sent, as text. */
  body: string;
  signature: string;
  correctlySigned: boolean;
  firstEventSequence: number;
  lastEventSequence: number;
  eventCount: number;
  /** Whether this attempt belongs to the copy of a payload delivered twice. */
  duplicate: boolean;
  delivered: boolean;
  status?: number;
  responseBody?: string;
  /** Why there was no usable answer: a refused connection, the 5-second timeout, the fake closing. */
  error?: string;
  durationMs: number;
};

/** One request of the intent-to-receive sequence and whether the endpoint answered it as Xero requires. */
export type IntentToReceiveCheck = {
  correctlySigned: boolean;
  /** 200 with an empty body for a correct signature, 401 for an incorrect one. */
  expectedStatus: 200 | 401;
  status?: number;
  responseBody?: string;
  error?: string;
  durationMs: number;
  passed: boolean;
};

export type IntentToReceiveResult = { url: string; passed: boolean; checks: IntentToReceiveCheck[] };

/**
 * An endpoint's state, as the developer portal shows it: events are sent only once intent to receive passed;
 * an endpoint whose deliveries exhaust their retries is "failing" (and still sent new events).
 */
export type XeroWebhookEndpointStatus = "intent-to-receive-required" | "ok" | "failing";

export type FakeXeroWebhooksOptions = {
  /** The app's webhook key, which signs every payload. */
  webhookKey: string;
  endpoints?: string[];
  now: () => number;
  /** The base of `resourceUrl`, e.g. `${url}/api.xro/2.0` (the fake's origin is known once it listens). */
  apiBaseUrl: () => string;
  /** Waits before the 2nd, 3rd, … attempt of a failed delivery (Xero's schedule is not published); default 1 s, 5 s, 30 s. */
  retryDelaysMs?: readonly number[];
  /** How long an endpoint may take to answer; Xero's is 5 seconds. */
  responseTimeoutMs?: number;
  /** Changes within this window go out in one payload, as Xero batches them; default 50 ms. */
  batchDelayMs?: number;
  /** Run intent to receive when an endpoint is registered (and for the configured ones at start); default true. */
  intentToReceiveOnRegister?: boolean;
};

/** Test and demo controls of the webhook emitter. */
export type FakeXeroWebhooksControls = {
  /** Adds an endpoint and (unless turned off) runs intent to receive against it; resolves with its result. */
  register(url: string): Promise<IntentToReceiveResult | undefined>;
  unregister(url: string): void;
  /** Sends the intent-to-receive sequence (one correctly and one incorrectly signed empty payload) and records the outcome. */
  intentToReceive(url: string): Promise<IntentToReceiveResult>;
  status(url: string): XeroWebhookEndpointStatus | undefined;
  /** Changes from now on are not delivered, as when Xero misses them; polling must catch up. */
  pause(): void;
  resume(): void;
  /** The next payload is delivered twice (the same bytes and signature), as a redelivery would. */
  duplicateNext(): void;
  deliveries(): XeroWebhookDelivery[];
  /** Events raised while paused (never sent). */
  missed(): XeroWebhookEvent[];
  /** Resolves once every queued payload, retries included, and every intent-to-receive run has finished. */
  idle(): Promise<void>;
};

export type FakeXeroWebhooks = {
  controls: FakeXeroWebhooksControls;
  /** Queues a change for the next payload (sequence numbers advance even while paused). */
  publish(change: XeroResourceChange): void;
  /** Stops: the pending batch is dropped, retries cancelled, in-flight requests aborted; waits for them. */
  close(): Promise<void>;
};

type Endpoint = { url: string; status: XeroWebhookEndpointStatus; ready: Promise<unknown> };

const resourcePaths = { INVOICE: "Invoices", CONTACT: "Contacts" } as const;

/** Base64 HMAC-SHA256 of the raw body under a key: the `x-xero-signature` header. */
export const xeroSignature = (key: string, body: string | Buffer) =>
  createHmac("sha256", key).update(body).digest("base64");

/** Xero's webhook emitter: signed, batched, sequenced payloads, intent to receive, bounded retries. */
export function createFakeXeroWebhooks(options: FakeXeroWebhooksOptions): FakeXeroWebhooks {
  const retryDelaysMs = options.retryDelaysMs ?? [1_000, 5_000, 30_000];
  const responseTimeoutMs = options.responseTimeoutMs ?? 5_000;
  const batchDelayMs = options.batchDelayMs ?? 50;
  const runIntentToReceive = options.intentToReceiveOnRegister ?? true;
  const endpoints = new Map<string, Endpoint>();
  const sent: XeroWebhookDelivery[] = [];
  const missedEvents: XeroWebhookEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  let batch: XeroWebhookEvent[] = [];
  let batchSequence = { first: 0, last: 0 };
  let batchTimer: NodeJS.Timeout | undefined;
  let sequence = 0;
  let paused = false;
  let duplicates = 0;

  const track = (work: Promise<unknown>) => {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
    return tracked;
  };

  /** One POST; the answer is read in full (Xero looks at the body of an intent-to-receive answer). */
  const post = async (url: string, body: string, signature: string) => {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "x-xero-signature": signature },
        body,
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(responseTimeoutMs)]),
      });
      const responseBody = await response.text();
      return { status: response.status, responseBody, durationMs: performance.now() - started };
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      const message =
        name === "TimeoutError"
          ? `no answer within ${responseTimeoutMs} ms`
          : closing.signal.aborted
            ? "the fake Xero closed"
            : error instanceof Error
              ? error.cause instanceof Error
                ? error.cause.message
                : error.message
              : String(error);
      return { error: message, durationMs: performance.now() - started };
    }
  };

  const intentToReceive = async (url: string): Promise<IntentToReceiveResult> => {
    const checks: IntentToReceiveCheck[] = [];
    for (const correctlySigned of [true, false]) {
      const body = JSON.stringify({
        events: [],
        firstEventSequence: 0,
        lastEventSequence: 0,
        entropy: randomBytes(15)
          .toString("base64")
          .replace(/[^A-Za-z0-9]/g, "")
          .toUpperCase(),
      } satisfies XeroWebhookPayload);
      // A wrong key keeps the header well formed, so only verifying it tells the two apart.
      const signature = xeroSignature(correctlySigned ? options.webhookKey : randomBytes(32).toString("base64"), body);
      const answer = await post(url, body, signature);
      const expectedStatus = correctlySigned ? 200 : 401;
      const passed = answer.status === expectedStatus && (!correctlySigned || (answer.responseBody ?? "").length === 0);
      checks.push({ correctlySigned, expectedStatus, ...answer, passed });
      sent.push({
        url,
        kind: "intent-to-receive",
        attempt: 1,
        body,
        signature,
        correctlySigned,
        firstEventSequence: 0,
        lastEventSequence: 0,
        eventCount: 0,
        duplicate: false,
        delivered: passed,
        ...answer,
      });
    }
    const passed = checks.every((check) => check.passed);
    const endpoint = endpoints.get(url);
    if (endpoint) endpoint.status = passed ? "ok" : "intent-to-receive-required";
    return { url, passed, checks };
  };

  const deliver = async (endpoint: Endpoint, body: string, payload: XeroWebhookPayload, duplicate: boolean) => {
    await endpoint.ready;
    const signature = xeroSignature(options.webhookKey, body);
    const base = {
      url: endpoint.url,
      kind: "events" as const,
      body,
      signature,
      correctlySigned: true,
      firstEventSequence: payload.firstEventSequence,
      lastEventSequence: payload.lastEventSequence,
      eventCount: payload.events.length,
      duplicate,
    };
    if (endpoint.status === "intent-to-receive-required") {
      sent.push({
        ...base,
        attempt: 0,
        delivered: false,
        error: "not sent: intent to receive has not passed",
        durationMs: 0,
      });
      return;
    }
    for (let attempt = 1; attempt <= retryDelaysMs.length + 1; attempt += 1) {
      if (attempt > 1) {
        try {
          await sleep(retryDelaysMs[attempt - 2], undefined, { signal: closing.signal });
        } catch {
          return;
        }
      }
      if (closing.signal.aborted || !endpoints.has(endpoint.url)) return;
      const answer = await post(endpoint.url, body, signature);
      const delivered = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
      sent.push({ ...base, attempt, delivered, ...answer });
      if (delivered) {
        endpoint.status = "ok";
        return;
      }
    }
    endpoint.status = "failing";
  };

  const flush = () => {
    batchTimer = undefined;
    const events = batch;
    batch = [];
    if (events.length === 0 || closing.signal.aborted) return;
    const payload: XeroWebhookPayload = {
      events,
      firstEventSequence: batchSequence.first,
      lastEventSequence: batchSequence.last,
      entropy: randomBytes(15)
        .toString("base64")
        .replace(/[^A-Za-z0-9]/g, "")
        .toUpperCase(),
    };
    const body = JSON.stringify(payload);
    const twice = duplicates > 0;
    if (twice) duplicates -= 1;
    for (const endpoint of endpoints.values()) {
      track(
        (async () => {
          await deliver(endpoint, body, payload, false);
          if (twice) await deliver(endpoint, body, payload, true);
        })(),
      );
    }
  };

  /** Resolves the pending batch's promise (tracked, so idle() waits for the timer too). */
  let settleBatch: (() => void) | undefined;

  const publish = (change: XeroResourceChange) => {
    if (closing.signal.aborted) return;
    sequence += 1;
    const event: XeroWebhookEvent = {
      resourceUrl: `${options.apiBaseUrl()}/${resourcePaths[change.category]}/${change.resourceId}`,
      resourceId: change.resourceId,
      eventDateUtc: new Date(options.now()).toISOString().replace("Z", ""),
      eventType: change.type,
      eventCategory: change.category,
      tenantId: change.tenantId,
      tenantType: "ORGANISATION",
    };
    if (paused) {
      missedEvents.push(event);
      return;
    }
    if (batch.length === 0) batchSequence = { first: sequence, last: sequence };
    batchSequence.last = sequence;
    batch.push(event);
    if (batchTimer === undefined) {
      track(
        new Promise<void>((resolve) => {
          settleBatch = resolve;
          batchTimer = setTimeout(() => {
            settleBatch = undefined;
            flush();
            resolve();
          }, batchDelayMs);
        }),
      );
    }
  };

  /** Runs the intent-to-receive sequence, tracked so idle() and close() wait for it. */
  const trackedIntentToReceive = (url: string) => {
    const run = intentToReceive(url);
    track(run);
    return run;
  };

  const register = (url: string): Promise<IntentToReceiveResult | undefined> => {
    const existing = endpoints.get(url);
    if (existing) return existing.ready as Promise<IntentToReceiveResult | undefined>;
    const endpoint: Endpoint = {
      url,
      status: runIntentToReceive ? "intent-to-receive-required" : "ok",
      ready: Promise.resolve(undefined),
    };
    endpoints.set(url, endpoint);
    if (runIntentToReceive) endpoint.ready = trackedIntentToReceive(url);
    return endpoint.ready as Promise<IntentToReceiveResult | undefined>;
  };

  for (const url of options.endpoints ?? []) void register(url);

  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  const controls: FakeXeroWebhooksControls = {
    register,
    unregister: (url) => {
      endpoints.delete(url);
    },
    intentToReceive: trackedIntentToReceive,
    status: (url) => endpoints.get(url)?.status,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    duplicateNext: () => {
      duplicates += 1;
    },
    deliveries: () => sent.map((delivery) => ({ ...delivery })),
    missed: () => missedEvents.map((event) => ({ ...event })),
    idle,
  };

  return {
    controls,
    publish,
    close: async () => {
      closing.abort();
      if (batchTimer !== undefined) clearTimeout(batchTimer);
      batchTimer = undefined;
      batch = [];
      settleBatch?.();
      await idle();
    },
  };
}
