import { createHash, createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChangeOperation, EntityChange } from "./books";

/** Intuit's current payload (a JSON array of CloudEvents) or the legacy `eventNotifications` envelope. */
export type WebhookFormat = "cloudevents" | "legacy";

/** One CloudEvent as Intuit sends it: ids only, so the receiver fetches the entity or runs CDC. */
export type IntuitCloudEvent = {
  specversion: "1.0";
  id: string;
  source: string;
  /** `qbo.<entity lower-case>.<created|updated|deleted|voided|emailed|merged>.v1`. */
  type: string;
  datacontenttype: "application/json";
  time: string;
  intuitentityid: string;
  /** The realmId. */
  intuitaccountid: string;
  data: Record<string, unknown>;
};

export type LegacyEventNotifications = {
  eventNotifications: {
    realmId: string;
    dataChangeEvent: {
      entities: { name: string; id: string; operation: ChangeOperation; lastUpdated: string; deletedId?: string }[];
    };
  }[];
};

/** One POST to one endpoint. `body` is the exact bytes sent, `signature` its intuit-signature header. */
export type WebhookDelivery = {
  endpoint: string;
  /** Numbers the batches 1, 2, …; a duplicate and the retries of a batch share its number. */
  batch: number;
  attempt: number;
  duplicate: boolean;
  body: string;
  signature: string;
  events: number;
  /** Only HTTP 200 counts: Intuit re-sends on anything else, or when there is no answer within the timeout. */
  delivered: boolean;
  status?: number;
  error?: string;
};

/** A change to announce: what the books report, or any event a test wants sent (e.g. a Merge). */
export type WebhookEventInput = Omit<EntityChange, "at"> & { at?: number; deletedId?: string };

export type FakeWebhooksOptions = {
  endpoints: string[];
  /** The app's verifier token from the developer portal: the HMAC key of intuit-signature. */
  verifierToken: string;
  format?: WebhookFormat;
  /** Whether a company is connected to the app (Intuit notifies only those). */
  isSubscribed: (realmId: string) => boolean;
  /** The app the events belong to; CloudEvents' `source` is derived from it. */
  appId: string;
  now: () => number;
  /** Changes within this window go out as one batch; default 250 ms. */
  batchWindowMs?: number;
  /** Intuit's: an answer within 3 s, or the attempt failed. */
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd, … attempt of a batch (their number bounds the retries); default 1 s, 5 s, 30 s. */
  retryDelaysMs?: readonly number[];
};

/** Test and demo controls of the webhook emitter. */
export type FakeWebhooksControls = {
  /** Stops notifying: changes meanwhile are missed for good (the CRM's CDC poll must catch up). */
  pause(): void;
  resume(): void;
  /** The next batch is delivered twice (Intuit delivers at least once). */
  duplicateNext(): void;
  /** Every POST so far, oldest first. */
  deliveries(): WebhookDelivery[];
  /** The changes not announced because the emitter was paused. */
  missed(): WebhookEventInput[];
  /** Announces an event as if the books had raised it. */
  emit(event: WebhookEventInput): void;
  addEndpoint(url: string): void;
  removeEndpoint(url: string): void;
  /** Resolves once every batch so far, with its retries and duplicates, is delivered or given up. */
  idle(): Promise<void>;
};

export type FakeWebhooks = {
  controls: FakeWebhooksControls;
  /** Feeds a change of the books to the emitter. */
  notify(change: WebhookEventInput): void;
  /** Drops the batch being collected, cancels waiting retries and in-flight requests, and waits for them to end. */
  close(): Promise<void>;
};

const verbs: Record<ChangeOperation, string> = {
  Create: "created",
  Update: "updated",
  Delete: "deleted",
  Void: "voided",
  Emailed: "emailed",
  Merge: "merged",
};

/** base64(HMAC-SHA256(verifierToken, body)): the `intuit-signature` header. */
export function intuitSignature(verifierToken: string, body: string | Buffer): string {
  return createHmac("sha256", verifierToken).update(body).digest("base64");
}

/** Intuit's webhook emitter: batched, in order per endpoint, signed, re-sent until HTTP 200 or the retries run out. */
export function createFakeWebhooks(options: FakeWebhooksOptions): FakeWebhooks {
  const endpoints = [...options.endpoints];
  const format = options.format ?? "cloudevents";
  const batchWindowMs = options.batchWindowMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 3000;
  const retryDelaysMs = options.retryDelaysMs ?? [1000, 5000, 30_000];
  const source = `intuit.${createHash("sha256").update(options.appId).digest("base64")}`;
  const attempts: WebhookDelivery[] = [];
  const missedEvents: WebhookEventInput[] = [];
  const queues = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  let collecting: WebhookEventInput[] = [];
  let batchTimer: { timer: NodeJS.Timeout; done: () => void } | undefined;
  let paused = false;
  let duplicates = 0;
  let batchCount = 0;

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
  };

  const payloadOf = (events: WebhookEventInput[]): string => {
    const timeOf = (event: WebhookEventInput) => new Date(event.at ?? options.now()).toISOString();
    if (format === "legacy") {
      const byRealm = new Map<string, LegacyEventNotifications["eventNotifications"][number]>();
      for (const event of events) {
        let notification = byRealm.get(event.realmId);
        if (!notification) {
          notification = { realmId: event.realmId, dataChangeEvent: { entities: [] } };
          byRealm.set(event.realmId, notification);
        }
        notification.dataChangeEvent.entities.push({
          name: event.entity,
          id: event.id,
          operation: event.operation,
          lastUpdated: timeOf(event),
          ...(event.deletedId === undefined ? {} : { deletedId: event.deletedId }),
        });
      }
      return JSON.stringify({ eventNotifications: [...byRealm.values()] } satisfies LegacyEventNotifications);
    }
    return JSON.stringify(
      events.map(
        (event): IntuitCloudEvent => ({
          specversion: "1.0",
          id: randomUUID(),
          source,
          type: `qbo.${event.entity.toLowerCase()}.${verbs[event.operation]}.v1`,
          datacontenttype: "application/json",
          time: timeOf(event),
          intuitentityid: event.id,
          intuitaccountid: event.realmId,
          data: event.deletedId === undefined ? {} : { deletedId: event.deletedId },
        }),
      ),
    );
  };

  const attemptOnce = async (record: WebhookDelivery) => {
    attempts.push(record);
    try {
      const response = await fetch(record.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", "intuit-signature": record.signature },
        body: record.body,
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
      record.delivered = response.status === 200;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    return record.delivered;
  };

  const deliver = async (endpoint: string, batch: number, body: string, events: number, duplicate: boolean) => {
    const signature = intuitSignature(options.verifierToken, body);
    for (let attempt = 1; attempt <= retryDelaysMs.length + 1; attempt += 1) {
      if (closing.signal.aborted) return;
      const record: WebhookDelivery = {
        endpoint,
        batch,
        attempt,
        duplicate,
        body,
        signature,
        events,
        delivered: false,
      };
      if (await attemptOnce(record)) return;
      const delay = retryDelaysMs[attempt - 1];
      if (delay === undefined) return;
      try {
        await sleep(delay, undefined, { signal: closing.signal });
      } catch {
        return;
      }
    }
  };

  /** Sends the collected events as one batch to every endpoint, behind that endpoint's earlier batches. */
  const flush = () => {
    const events = collecting;
    collecting = [];
    if (events.length === 0 || closing.signal.aborted) return;
    batchCount += 1;
    const batch = batchCount;
    const body = payloadOf(events);
    const duplicate = duplicates > 0;
    if (duplicate) duplicates -= 1;
    for (const endpoint of endpoints) {
      const previous = queues.get(endpoint) ?? Promise.resolve();
      const work = previous.then(async () => {
        await deliver(endpoint, batch, body, events.length, false);
        // The copy comes after the first delivery, as a redelivery would: same bytes, same event ids.
        if (duplicate) await deliver(endpoint, batch, body, events.length, true);
      });
      queues.set(
        endpoint,
        work.catch(() => undefined),
      );
      track(work);
    }
  };

  const notify = (event: WebhookEventInput) => {
    if (closing.signal.aborted || !options.isSubscribed(event.realmId)) return;
    if (paused) {
      missedEvents.push({ ...event });
      return;
    }
    collecting.push({ ...event, at: event.at ?? options.now() });
    if (batchTimer) return;
    const { promise: waiting, resolve: done } = Promise.withResolvers<void>();
    batchTimer = {
      timer: setTimeout(() => {
        batchTimer = undefined;
        flush();
        done();
      }, batchWindowMs),
      done,
    };
    track(waiting);
  };

  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    notify,
    controls: {
      pause: () => {
        paused = true;
      },
      resume: () => {
        paused = false;
      },
      duplicateNext: () => {
        duplicates += 1;
      },
      deliveries: () => attempts.map((attempt) => ({ ...attempt })),
      missed: () => missedEvents.map((event) => ({ ...event })),
      emit: notify,
      addEndpoint: (url) => {
        if (!endpoints.includes(url)) endpoints.push(url);
      },
      removeEndpoint: (url) => {
        const index = endpoints.indexOf(url);
        if (index >= 0) endpoints.splice(index, 1);
      },
      idle,
    },
    close: async () => {
      closing.abort();
      if (batchTimer) {
        clearTimeout(batchTimer.timer);
        batchTimer.done();
        batchTimer = undefined;
      }
      collecting = [];
      await idle();
    },
  };
}
