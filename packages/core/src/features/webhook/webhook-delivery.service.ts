import { createHash } from "node:crypto";
import type { EntityItem } from "electrodb";
import { encodeTime } from "ulid";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { SealedSecretError } from "../../capabilities/vault/token-vault";
import { changeSet, steps } from "../../platform/change-set";
import { queryFingerprint } from "../../platform/cursor";
import { ConcurrentModificationError, NotFoundError } from "../../platform/errors";
import { recordExternalCall } from "../../platform/metrics-sink";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { isConditionalCheckFailure, succeedsUnlessTaken } from "../../platform/transactions";
import { adminsOf, notifyAction } from "../notification/notification.service";
import { type AttemptResult, attemptTimeoutMs, postWebhook } from "./delivery.client";
import { nextAttemptAt } from "./delivery-schedule";
import type { webhookDisabledReasons } from "./webhook.constants";
import { type DeliveryStatus, deliveryRetentionDays } from "./webhook.constants";
import { WebhookSubscriptionEntity } from "./webhook.entity";
import { allEvents, type Delivery } from "./webhook.schema";
import { destinationPolicy, loadSubscription, type SubscriptionItem } from "./webhook.service";
import { signatureHeaders, signingSecrets, webhookPayload } from "./webhook.signer";
import { WebhookDeliveryEntity } from "./webhook-delivery.entity";

type DeliveryItem = EntityItem<typeof WebhookDeliveryEntity>;
type DeliveryKey = Pick<DeliveryItem, "orgId" | "webhookId" | "deliveryId">;

/**
 * How long an attempt holds its delivery: while it runs, the delivery is pending with this lease as its due time,
 * so an attempt that dies with its Lambda is retried afterwards, and counted.
 */
const leaseMs = 60_000;

/** Successes are written to the subscription at most this often (a write per delivery would make it a hot item). */
const successRecordingIntervalMs = 3600_000;

/** Deliveries the retry job reads per run; what it has no time left for stays due for the next run. */
const maxDuePerRun = 500;
const retryConcurrency = 10;

/**
 * A delivery's id: the event's time (a ULID time prefix, so the log sorts by it) and a digest of the subscription
 * and the event. A redelivered event yields the same id, which is what makes dispatching it twice harmless.
 */
export function deliveryIdFor(webhookId: string, event: Pick<DomainEvent, "id" | "occurredAt">): string {
  const time = encodeTime(Date.parse(event.occurredAt), 10).toLowerCase();
  const digest = createHash("sha256").update(`${webhookId}\n${event.id}`).digest("hex").slice(0, 16);
  return `dlv_${time}${digest}`;
}

function toDelivery(item: DeliveryItem): Delivery {
  return {
    id: item.deliveryId,
    webhookId: item.webhookId,
    eventId: item.eventId,
    eventType: item.eventType,
    status: item.status,
    attempts: item.attempts,
    responseStatus: item.responseStatus ?? null,
    latencyMs: item.latencyMs ?? null,
    responseSnippet: item.responseSnippet ?? null,
    error: item.error ?? null,
    lastAttemptAt: item.lastAttemptAt ?? null,
    nextAttemptAt: item.status === "pending" ? item.nextAttemptAt : null,
    createdAt: item.createdAt,
  };
}

const keyOf = ({ orgId, webhookId, deliveryId }: DeliveryKey): DeliveryKey => ({ orgId, webhookId, deliveryId });

/** The organisation's enabled subscriptions that select this event type: one query in its partition. */
async function subscriptionsFor(orgId: string, type: DomainEvent["type"]): Promise<SubscriptionItem[]> {
  const { data } = await WebhookSubscriptionEntity.query
    .webhooksOfOrganisation({ orgId })
    .where(
      ({ enabled, events }, { eq, contains }) =>
        `${eq(enabled, true)} AND (${contains(events, type)} OR ${contains(events, allEvents)})`,
    )
    .go({ pages: "all" });
  return data;
}

export type DispatchSummary = {
  subscriptions: number;
  delivered: number;
  failed: number;
  alreadyRecorded: number;
  /** First attempts not sent because the subscription's secret did not open: our failure, not the endpoint's. */
  unsigned: number;
};

/**
 * Delivers a domain event to its organisation's subscriptions: one delivery record per subscription, created only
 * if absent (so a redelivered event sends nothing twice), then its first attempt. A failed attempt is retried by
 * the retry job; only database and KMS failures throw, so that the bus redelivers the event.
 */
export async function dispatchWebhooks(
  event: DomainEvent,
  options: { deadline?: number } = {},
): Promise<DispatchSummary> {
  const subscriptions = await subscriptionsFor(event.orgId, event.type);
  const outcomes = await Promise.all(subscriptions.map((subscription) => deliver(subscription, event, options)));
  const count = (outcome: DeliveryOutcome) => outcomes.filter((each) => each === outcome).length;
  return {
    subscriptions: subscriptions.length,
    delivered: count("delivered"),
    failed: count("failed"),
    alreadyRecorded: count("alreadyRecorded"),
    unsigned: count("unsigned"),
  };
}

/**
 * Sends an event to one subscription of its organisation whatever event types it selects (for automation rules),
 * with the same delivery record, retries and log as any delivery; an event it already got is not sent again.
 */
export async function sendEventToWebhook(webhookId: string, event: DomainEvent): Promise<DeliveryOutcome> {
  const subscription = await loadSubscription(event.orgId, webhookId);
  if (!subscription.enabled) throw new Error(`The webhook ${webhookId} is disabled.`);
  return deliver(subscription, event, {});
}

/** `unsigned`: not sent, as the subscription's secret did not open (see attempt); retried like a failure. */
export type DeliveryOutcome = "delivered" | "failed" | "unsigned" | "alreadyRecorded";

/** Records the delivery of an event to a subscription unless it exists, then makes its first attempt. */
async function deliver(
  subscription: SubscriptionItem,
  event: DomainEvent,
  options: { deadline?: number },
): Promise<DeliveryOutcome> {
  const at = new Date();
  const delivery: DeliveryItem = {
    orgId: event.orgId,
    webhookId: subscription.webhookId,
    deliveryId: deliveryIdFor(subscription.webhookId, event),
    eventId: event.id,
    eventType: event.type,
    body: webhookPayload(event),
    // Created already holding the lease of its first attempt: one write fewer, and a crash still retries it.
    status: "pending",
    attempts: 1,
    nextAttemptAt: new Date(at.getTime() + leaseMs).toISOString(),
    lastAttemptAt: at.toISOString(),
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    expiresAt: Math.floor(at.getTime() / 1000) + deliveryRetentionDays * 86_400,
  };
  const created = await succeedsUnlessTaken(WebhookDeliveryEntity.create(delivery).go({ response: "none" }));
  if (!created) return "alreadyRecorded";
  // A first attempt cut short by the function's own deadline is a failed attempt, retried with full time.
  const timeoutMs = options.deadline
    ? Math.max(1000, Math.min(attemptTimeoutMs, options.deadline - Date.now()))
    : attemptTimeoutMs;
  const attempted = await attempt(subscription, delivery, at, "scheduled", timeoutMs);
  if (attempted.unsigned) return "unsigned";
  return attempted.delivery.status === "succeeded" ? "delivered" : "failed";
}

type AttemptMode = "scheduled" | "manual";

/**
 * What the delivery log records when a subscription's sealed secret does not open (tampered with, copied from
 * another subscription): nothing is sent, as the receiver would have to refuse a request without a valid signature.
 * Our failure, not the endpoint's, so it never disables the subscription; it is retried, and rotating the secret
 * repairs it.
 */
const unsignedResult: AttemptResult = {
  ok: false,
  responseStatus: null,
  latencyMs: 0,
  responseSnippet: null,
  error: "Not sent: the webhook's signing secret could not be opened (a failure on our side). Rotate the secret.",
  outcome: "not-sent",
};

/** One attempt as an external call, for the metrics: its time and outcome, the ids only as details. */
function measureAttempt(claimed: DeliveryItem, result: AttemptResult, mode: AttemptMode): void {
  recordExternalCall({
    target: "webhook",
    outcome: result.outcome,
    latencyMs: result.latencyMs,
    details: {
      orgId: claimed.orgId,
      webhookId: claimed.webhookId,
      deliveryId: claimed.deliveryId,
      attempt: claimed.attempts,
      mode,
      ...(result.responseStatus === null ? {} : { status: result.responseStatus }),
    },
  });
}

/**
 * One attempt of a delivery this process holds the lease of: sign, send, record, and act on the outcome. `unsigned`
 * when the secrets did not open and nothing was sent.
 */
async function attempt(
  subscription: SubscriptionItem,
  claimed: DeliveryItem,
  at: Date,
  mode: AttemptMode,
  timeoutMs = attemptTimeoutMs,
): Promise<{ delivery: DeliveryItem; unsigned: boolean }> {
  let secrets: string[];
  try {
    secrets = await signingSecrets(subscription, at);
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    measureAttempt(claimed, unsignedResult, mode);
    return { delivery: await recordAttempt(subscription, claimed, unsignedResult, mode, "ours"), unsigned: true };
  }
  const headers = signatureHeaders({ messageId: claimed.eventId, timestamp: at, body: claimed.body, secrets });
  const result = await postWebhook(
    { url: subscription.url, headers, body: claimed.body },
    destinationPolicy(),
    timeoutMs,
  );
  measureAttempt(claimed, result, mode);
  return { delivery: await recordAttempt(subscription, claimed, result, mode, "endpoint"), unsigned: false };
}

async function recordAttempt(
  subscription: SubscriptionItem,
  claimed: DeliveryItem,
  result: AttemptResult,
  mode: AttemptMode,
  failureOf: "endpoint" | "ours",
): Promise<DeliveryItem> {
  const at = new Date();
  // 410 Gone means the endpoint is not coming back (Standard Webhooks): no retries, and the subscription stops.
  const gone = result.responseStatus === 410;
  const retryAt = result.ok || gone ? null : nextAttemptAt(claimed.attempts, at);
  const status: DeliveryStatus = result.ok ? "succeeded" : retryAt ? "pending" : "failed";
  const outcome = {
    responseStatus: result.responseStatus,
    latencyMs: result.latencyMs,
    responseSnippet: result.responseSnippet,
    error: result.error,
  };
  const present = Object.fromEntries(Object.entries(outcome).filter(([, value]) => value !== null));
  const absent = (Object.keys(outcome) as (keyof typeof outcome)[]).filter((field) => outcome[field] === null);
  const updated: DeliveryItem = {
    ...claimed,
    ...present,
    status,
    nextAttemptAt: (retryAt ?? at).toISOString(),
    updatedAt: at.toISOString(),
  };
  for (const field of absent) delete updated[field];
  const recorded = await WebhookDeliveryEntity.patch(keyOf(claimed))
    .set({ ...present, status, nextAttemptAt: updated.nextAttemptAt, updatedAt: updated.updatedAt })
    .remove(absent)
    .where(({ attempts, status }, { eq }) => `${eq(attempts, claimed.attempts)} AND ${eq(status, "pending")}`)
    .go({ response: "none" })
    .then(
      () => true,
      (error) => {
        // Our lease ran out and another attempt took the delivery over; its outcome is the one to keep.
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      },
    );
  if (!recorded) return claimed;
  if (result.ok) await noteSuccess(subscription, at);
  else if (gone) await disableSubscription(subscription, "gone");
  else if (status === "failed" && mode === "scheduled" && failureOf === "endpoint") {
    await disableIfFailingSince(subscription, claimed.createdAt);
  }
  return updated;
}

async function noteSuccess(subscription: SubscriptionItem, at: Date): Promise<void> {
  const last = subscription.lastSuccessAt ? Date.parse(subscription.lastSuccessAt) : 0;
  if (at.getTime() - last < successRecordingIntervalMs) return;
  // No version change: this is bookkeeping, and must not make an admin's If-Match fail.
  await WebhookSubscriptionEntity.patch({ orgId: subscription.orgId, webhookId: subscription.webhookId })
    .set({ lastSuccessAt: at.toISOString() })
    .go({ response: "none" })
    .catch((error) => {
      if (!isConditionalCheckFailure(error)) throw error; // deleted meanwhile
    });
}

/**
 * The auto-disable rule: a delivery has failed every attempt of its schedule (about 27 hours) and no delivery to the
 * subscription has succeeded since it was created. Successes are recorded hourly, hence the hour of margin.
 */
async function disableIfFailingSince(subscription: SubscriptionItem, since: string): Promise<void> {
  const { data: fresh } = await WebhookSubscriptionEntity.get({
    orgId: subscription.orgId,
    webhookId: subscription.webhookId,
  }).go({ consistent: true });
  if (!fresh?.enabled) return;
  const lastSuccess = fresh.lastSuccessAt ? Date.parse(fresh.lastSuccessAt) : 0;
  if (lastSuccess >= Date.parse(since) - successRecordingIntervalMs) return;
  await disableSubscription(fresh, "failing");
}

const disabledMessages: Record<(typeof webhookDisabledReasons)[number], (url: string) => string> = {
  failing: (url) =>
    `Every delivery to ${url} has failed for more than a day, so the webhook was disabled. Fix the endpoint, enable the webhook again and replay the deliveries you need.`,
  gone: (url) =>
    `${url} answered 410 Gone, so the webhook was disabled. Enable it again if the endpoint is back, or delete it.`,
};

/**
 * Turns a subscription off and notifies every admin, in one transaction: the notifications exist exactly when the
 * subscription was disabled, once, even if several attempts reach this point together.
 */
async function disableSubscription(
  subscription: SubscriptionItem,
  reason: (typeof webhookDisabledReasons)[number],
): Promise<void> {
  const { orgId, webhookId } = subscription;
  const { data: current } = await WebhookSubscriptionEntity.get({ orgId, webhookId }).go({ consistent: true });
  if (!current?.enabled) return;
  // A transaction takes 100 actions: the subscription and up to 99 admins.
  const admins = (await adminsOf(orgId)).slice(0, 99);
  const at = new Date().toISOString();
  // If an admin changed the subscription meanwhile (a new URL, say), the transaction is canceled and their change
  // stands; the rule applies again when a later delivery fails for good.
  await changeSet()
    .add(
      "subscription",
      inTransaction(WebhookSubscriptionEntity)
        .patch({ orgId, webhookId })
        .set({ enabled: false, disabledReason: reason, disabledAt: at, version: current.version + 1, updatedAt: at })
        .where((attributes, { eq }) => `${eq(attributes.version, current.version)} AND ${eq(attributes.enabled, true)}`)
        .commit(),
    )
    .addAll(
      steps(
        "admin notification",
        admins.map((memberId) =>
          notifyAction({
            orgId,
            memberId,
            kind: "webhook.disabled",
            title: "A webhook was disabled",
            message: disabledMessages[reason](current.url),
            subject: { type: "webhook", id: webhookId },
          }),
        ),
      ),
    )
    .attempt();
}

/**
 * Takes the lease of a delivery's next attempt: one more attempt counted, the next attempt time a lease ahead. For
 * the retry job (`due`), only a pending delivery still as the job found it; for a manual replay, any state, as long
 * as no other attempt started meanwhile. Null when another attempt got there first.
 */
async function takeAttemptLease(delivery: DeliveryItem, at: Date, { due }: { due: boolean }) {
  const claimed: DeliveryItem = {
    ...delivery,
    status: "pending",
    attempts: delivery.attempts + 1,
    nextAttemptAt: new Date(at.getTime() + leaseMs).toISOString(),
    lastAttemptAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  return WebhookDeliveryEntity.patch(keyOf(delivery))
    .set({
      status: "pending",
      attempts: claimed.attempts,
      nextAttemptAt: claimed.nextAttemptAt,
      lastAttemptAt: claimed.lastAttemptAt as string,
      updatedAt: claimed.updatedAt,
    })
    .where(({ status, attempts, nextAttemptAt }, { eq }) =>
      due
        ? `${eq(status, "pending")} AND ${eq(attempts, delivery.attempts)} AND ${eq(nextAttemptAt, delivery.nextAttemptAt)}`
        : eq(attempts, delivery.attempts),
    )
    .go({ response: "none" })
    .then(
      () => claimed,
      (error) => {
        if (isConditionalCheckFailure(error)) return null;
        throw error;
      },
    );
}

/** Ends a pending delivery whose subscription was disabled or deleted; it can still be replayed by hand. */
async function cancel(delivery: DeliveryItem, at: Date): Promise<boolean> {
  return WebhookDeliveryEntity.patch(keyOf(delivery))
    .set({ status: "cancelled", nextAttemptAt: at.toISOString(), updatedAt: at.toISOString() })
    .where(({ status, attempts }, { eq }) => `${eq(status, "pending")} AND ${eq(attempts, delivery.attempts)}`)
    .go({ response: "none" })
    .then(
      () => true,
      (error) => {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      },
    );
}

export type RetrySummary = {
  due: number;
  attempted: number;
  succeeded: number;
  cancelled: number;
  skipped: number;
  /** Attempts not sent because the subscription's secret did not open: our failure, not the endpoint's. */
  unsigned: number;
};

/**
 * The retry job: reads the deliveries whose next attempt is due (one query on the sparse due index, across every
 * organisation) and attempts them, a few at a time, until `deadline` (epoch ms) leaves no room for another attempt.
 * Deliveries of disabled or deleted subscriptions are cancelled instead.
 */
export async function retryDueDeliveries(options: { deadline: number }): Promise<RetrySummary> {
  const startedAt = new Date();
  const due: DeliveryItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: DeliveryItem[]; cursor: string | null } = await WebhookDeliveryEntity.query
      .dueDeliveries({ status: "pending" })
      .lte({ nextAttemptAt: startedAt.toISOString() })
      .go({ cursor, limit: maxDuePerRun - due.length });
    due.push(...page.data);
    cursor = page.cursor;
  } while (cursor && due.length < maxDuePerRun);

  const subscriptions = new Map<string, Promise<SubscriptionItem | null>>();
  const subscriptionOf = (delivery: DeliveryItem) => {
    const key = `${delivery.orgId}\n${delivery.webhookId}`;
    if (!subscriptions.has(key)) {
      subscriptions.set(
        key,
        WebhookSubscriptionEntity.get({ orgId: delivery.orgId, webhookId: delivery.webhookId })
          .go({ consistent: true })
          .then(({ data }) => data),
      );
    }
    return subscriptions.get(key) as Promise<SubscriptionItem | null>;
  };

  const summary: RetrySummary = { due: due.length, attempted: 0, succeeded: 0, cancelled: 0, skipped: 0, unsigned: 0 };
  const queue = [...due];
  const worker = async () => {
    for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
      if (Date.now() + attemptTimeoutMs > options.deadline) {
        summary.skipped++;
        continue;
      }
      const subscription = await subscriptionOf(delivery);
      const at = new Date();
      if (!subscription?.enabled) {
        if (await cancel(delivery, at)) summary.cancelled++;
        continue;
      }
      const claimed = await takeAttemptLease(delivery, at, { due: true });
      if (!claimed) continue;
      summary.attempted++;
      const attempted = await attempt(subscription, claimed, at, "scheduled");
      if (attempted.delivery.status === "succeeded") summary.succeeded++;
      if (attempted.unsigned) summary.unsigned++;
    }
  };
  await Promise.all(Array.from({ length: retryConcurrency }, worker));
  return summary;
}

async function loadDelivery(orgId: string, webhookId: string, deliveryId: string): Promise<DeliveryItem> {
  const { data } = await WebhookDeliveryEntity.get({ orgId, webhookId, deliveryId }).go({ consistent: true });
  // Expired deliveries are gone even before DynamoDB's TTL removes them.
  if (!data || data.expiresAt <= Date.now() / 1000) throw new NotFoundError("delivery", deliveryId);
  return data;
}

/** A subscription's delivery log, newest event first. */
export async function listDeliveries(
  context: TenantContext,
  webhookId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<Delivery>> {
  const { orgId } = context;
  await loadSubscription(orgId, webhookId);
  const nowSeconds = Math.floor(Date.now() / 1000);
  return readPage(
    ({ limit, cursor }) =>
      WebhookDeliveryEntity.query
        .deliveriesOfWebhook({ orgId, webhookId })
        .where(({ expiresAt }, { gt }) => gt(expiresAt, nowSeconds))
        .go({ limit, cursor, order: "desc" }),
    {
      limit: options.limit,
      cursor: options.cursor,
      fingerprint: queryFingerprint({ list: "webhook-deliveries", orgId, webhookId }),
      filtered: true,
      map: toDelivery,
    },
  );
}

/**
 * Sends a delivery again now, whatever its state, with the subscription's current URL and secrets, and answers
 * with the outcome. A failed replay continues on the retry schedule while the delivery has attempts left; a
 * replay never counts towards disabling the subscription.
 */
export async function replayDelivery(context: TenantContext, webhookId: string, deliveryId: string): Promise<Delivery> {
  const { orgId } = context;
  const subscription = await loadSubscription(orgId, webhookId);
  const delivery = await loadDelivery(orgId, webhookId, deliveryId);
  const at = new Date();
  const claimed = await takeAttemptLease(delivery, at, { due: false });
  if (!claimed) throw new ConcurrentModificationError("delivery", deliveryId);
  return toDelivery((await attempt(subscription, claimed, at, "manual")).delivery);
}
