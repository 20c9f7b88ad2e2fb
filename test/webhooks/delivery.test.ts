import "./support/delivery-environment";
import { tableConfig } from "@crm/core/platform";
import {
  dispatchWebhooks,
  maxAttempts,
  retryDelaysSeconds,
  sendEventToWebhook,
  WebhookSubscriptionEntity,
} from "@crm/core/webhook";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aDomainEvent } from "../support/events";
import { anOrganisation } from "../support/organisations";
import { ownTableName } from "./support/delivery-environment";
import { type Answer, aWebhookReceiver, type WebhookReceiver } from "./support/receiver";
import { at, aWebhook, deliveriesOf, dispatch, justAfter, runRetryJob, webhookOf } from "./support/webhooks";

const receivers: WebhookReceiver[] = [];

/** A receiver closed after the test, trusting the webhook's secret. */
async function aReceiver(respond?: (request: { body: string }, index: number) => Answer) {
  const receiver = await aWebhookReceiver(respond);
  receivers.push(receiver);
  return receiver;
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

beforeAll(() => {
  // The isolation these tests rely on (see delivery-environment.ts).
  expect(tableConfig().name).toBe(ownTableName);
});

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

/** The webhook's item exactly as DynamoDB holds it, every attribute included. */
async function storedItem(org: { orgId: string }, webhookId: string) {
  const { data } = await WebhookSubscriptionEntity.get({ orgId: org.orgId, webhookId }).go({
    consistent: true,
    data: "raw",
  });
  return (data as unknown as { Item: Record<string, unknown> }).Item;
}

/** Whether a secret, or the key inside it, appears anywhere in an item. */
const holds = (item: Record<string, unknown>, secret: string) =>
  JSON.stringify(item).includes(secret.slice("whsec_".length));

describe("delivering an event", () => {
  it("POSTs it signed per Standard Webhooks, and logs the delivery", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 200, body: "thanks" }));
    const webhook = await aWebhook(org, { url: receiver.url });
    receiver.trust(webhook.secret);
    const event = aDomainEvent({ orgId: org.orgId, type: "deal.created" });

    await dispatch(event);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.verifiedWith).toEqual([webhook.secret]);
    expect(request?.headers["webhook-id"]).toBe(event.id);
    expect(Math.abs(Number(request?.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(10);
    expect(request?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ type: "deal.created", timestamp: event.occurredAt, data: event });

    const [delivery, ...others] = await deliveriesOf(org, webhook.id);
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({
      webhookId: webhook.id,
      eventId: event.id,
      eventType: "deal.created",
      status: "succeeded",
      attempts: 1,
      responseStatus: 200,
      responseSnippet: "thanks",
      error: null,
      nextAttemptAt: null,
    });
    expect(delivery?.latencyMs).toEqual(expect.any(Number));

    // What signed it was sealed: the stored webhook holds the vault's ciphertext, never the secret.
    const stored = await storedItem(org, webhook.id);
    expect(stored.sealedSecret).toMatch(/^v1\./);
    expect(stored).not.toHaveProperty("secret");
    expect(holds(stored, webhook.secret)).toBe(false);
  });

  it("keeps only the first kilobyte of a response in the log", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 202, body: "x".repeat(5000) }));
    const webhook = await aWebhook(org, { url: receiver.url });

    await dispatch(aDomainEvent({ orgId: org.orgId }));

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery?.status).toBe("succeeded");
    expect(delivery?.responseSnippet).toBe("x".repeat(1024));
  });

  it("does not send an event twice when the bus delivers it twice", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver();
    const webhook = await aWebhook(org, { url: receiver.url });
    const event = aDomainEvent({ orgId: org.orgId });

    await dispatch(event);
    await dispatch(event);
    await Promise.all([dispatch(event), dispatch(event)]);

    expect(receiver.received).toHaveLength(1);
    const log = await deliveriesOf(org, webhook.id);
    expect(log.map(({ eventId, attempts }) => ({ eventId, attempts }))).toEqual([{ eventId: event.id, attempts: 1 }]);
  });

  it("sends only the event types a subscription selects, and nothing to disabled subscriptions", async () => {
    const org = await anOrganisation();
    const dealsOnly = await aReceiver();
    const everything = await aReceiver();
    const disabled = await aReceiver();
    await aWebhook(org, { url: dealsOnly.url, events: ["deal.created", "deal.stage_changed"] });
    await aWebhook(org, { url: everything.url, events: ["*"] });
    await aWebhook(org, { url: disabled.url, events: ["*"], enabled: false });

    await dispatch(aDomainEvent({ orgId: org.orgId, type: "contact.updated" }));
    await dispatch(aDomainEvent({ orgId: org.orgId, type: "deal.stage_changed" }));

    const typesOf = (receiver: WebhookReceiver) => receiver.received.map(({ body }) => JSON.parse(body).type);
    expect(typesOf(dealsOnly)).toEqual(["deal.stage_changed"]);
    expect(typesOf(everything)).toEqual(["contact.updated", "deal.stage_changed"]);
    expect(disabled.connections).toBe(0);
  });

  it("never sends an organisation's events to another organisation's subscriptions", async () => {
    const ours = await anOrganisation("Ours");
    const theirs = await anOrganisation("Theirs");
    const ourReceiver = await aReceiver();
    const theirReceiver = await aReceiver();
    await aWebhook(ours, { url: ourReceiver.url });
    const theirWebhook = await aWebhook(theirs, { url: theirReceiver.url });

    await dispatch(aDomainEvent({ orgId: ours.orgId }));

    expect(ourReceiver.received).toHaveLength(1);
    expect(theirReceiver.connections).toBe(0);
    expect(await deliveriesOf(theirs, theirWebhook.id)).toEqual([]);
  });
});

describe("sending an event to one subscription (automation's webhook action)", () => {
  it("delivers whatever event types the subscription selects, once per event, and only in its organisation", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const receiver = await aReceiver();
    const webhook = await aWebhook(org, { url: receiver.url, events: ["deal.created"] });
    const event = aDomainEvent({ orgId: org.orgId, type: "contact.created" });

    expect(await sendEventToWebhook(webhook.id, event)).toBe("delivered");
    expect(await sendEventToWebhook(webhook.id, event)).toBe("alreadyRecorded");
    await expect(sendEventToWebhook(webhook.id, aDomainEvent({ orgId: other.orgId }))).rejects.toThrow(/No webhook/);

    expect(receiver.received.map(({ headers }) => headers["webhook-id"])).toEqual([event.id]);
  });
});

describe("retries", () => {
  it("retries a failed delivery on a growing schedule until the receiver takes it", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver((_, index) => (index < 2 ? { status: 500, body: "down" } : { status: 204 }));
    const webhook = await aWebhook(org, { url: receiver.url });
    const event = aDomainEvent({ orgId: org.orgId });

    await dispatch(event);
    const [first] = await deliveriesOf(org, webhook.id);
    expect(first).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500, responseSnippet: "down" });
    expect(seconds(first?.lastAttemptAt, first?.nextAttemptAt)).toBeGreaterThanOrEqual(retryDelaysSeconds[0] * 0.9);
    expect(seconds(first?.lastAttemptAt, first?.nextAttemptAt)).toBeLessThanOrEqual(retryDelaysSeconds[0] * 1.1 + 1);

    await runRetryJob(); // not due yet
    expect(receiver.received).toHaveLength(1);

    await at(justAfter(first?.nextAttemptAt), runRetryJob);
    const [second] = await deliveriesOf(org, webhook.id);
    expect(second).toMatchObject({ status: "pending", attempts: 2, responseStatus: 500 });
    expect(seconds(second?.lastAttemptAt, second?.nextAttemptAt)).toBeGreaterThanOrEqual(retryDelaysSeconds[1] * 0.9);
    expect(seconds(second?.lastAttemptAt, second?.nextAttemptAt)).toBeLessThanOrEqual(retryDelaysSeconds[1] * 1.1 + 1);

    await at(justAfter(second?.nextAttemptAt), runRetryJob);
    const [third] = await deliveriesOf(org, webhook.id);
    expect(third).toMatchObject({ status: "succeeded", attempts: 3, responseStatus: 204, nextAttemptAt: null });
    expect(receiver.received.map(({ headers }) => headers["webhook-id"])).toEqual([event.id, event.id, event.id]);
    const timestamps = receiver.received.map(({ headers }) => Number(headers["webhook-timestamp"]));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(new Set(timestamps).size).toBe(3);
  });

  it("logs a refused connection as a failed attempt, to be retried", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver();
    const webhook = await aWebhook(org, { url: receiver.url });
    await receiver.close();

    await dispatch(aDomainEvent({ orgId: org.orgId }));

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, responseStatus: null });
    expect(delivery?.error).toMatch(/^Connection failed \(ECONNREFUSED\)/);
  });

  it("cancels the pending deliveries of a deleted subscription instead of sending them", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 503 }));
    const webhook = await aWebhook(org, { url: receiver.url });
    await dispatch(aDomainEvent({ orgId: org.orgId }));
    const [delivery] = await deliveriesOf(org, webhook.id);
    const deleted = await invoke("webhooks.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: webhook.id },
    });
    expect(deleted.status).toBe(204);

    await at(justAfter(delivery?.nextAttemptAt), runRetryJob);

    expect(receiver.received).toHaveLength(1);
  });
});

describe("sustained failure", () => {
  it("disables a subscription whose delivery failed every attempt for about a day, and notifies each admin", async () => {
    const org = await anOrganisation();
    const otherAdmin = await org.member("admin");
    const member = await org.member("member");
    const receiver = await aReceiver(() => ({ status: 500 }));
    const webhook = await aWebhook(org, { url: receiver.url });
    const event = aDomainEvent({ orgId: org.orgId });

    await dispatch(event);
    for (let attempt = 2; attempt <= maxAttempts; attempt++) {
      const [delivery] = await deliveriesOf(org, webhook.id);
      expect(delivery).toMatchObject({ status: "pending", attempts: attempt - 1 });
      expect((await webhookOf(org, webhook.id)).enabled).toBe(true);
      await at(justAfter(delivery?.nextAttemptAt), runRetryJob);
    }

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: maxAttempts, nextAttemptAt: null });
    expect(seconds(delivery?.createdAt, delivery?.lastAttemptAt)).toBeGreaterThan(24 * 3600);
    expect(receiver.received).toHaveLength(maxAttempts);
    expect(await webhookOf(org, webhook.id)).toMatchObject({ enabled: false, disabledReason: "failing" });

    for (const admin of [org.admin, otherAdmin]) {
      const notifications = await invoke("notifications.list", { token: admin.token, params: { orgId: org.orgId } });
      expect(notifications.body.data).toEqual([
        expect.objectContaining({ kind: "webhook.disabled", subject: { type: "webhook", id: webhook.id } }),
      ]);
    }
    const ofMember = await invoke("notifications.list", { token: member.token, params: { orgId: org.orgId } });
    expect(ofMember.body.data).toEqual([]);

    // Nothing more goes out while it is disabled.
    await dispatch(aDomainEvent({ orgId: org.orgId }));
    expect(receiver.received).toHaveLength(maxAttempts);
  });

  it("keeps a subscription enabled when a delivery fails for good but another one succeeded meanwhile", async () => {
    const org = await anOrganisation();
    const unlucky = aDomainEvent({ orgId: org.orgId });
    const receiver = await aReceiver(({ body }) => ({ status: JSON.parse(body).data.id === unlucky.id ? 500 : 200 }));
    const webhook = await aWebhook(org, { url: receiver.url });

    await dispatch(unlucky);
    await dispatch(aDomainEvent({ orgId: org.orgId }));
    for (let attempt = 2; attempt <= maxAttempts; attempt++) {
      const pending = (await deliveriesOf(org, webhook.id)).find(({ eventId }) => eventId === unlucky.id);
      await at(justAfter(pending?.nextAttemptAt), runRetryJob);
    }

    const failed = (await deliveriesOf(org, webhook.id)).find(({ eventId }) => eventId === unlucky.id);
    expect(failed).toMatchObject({ status: "failed", attempts: maxAttempts });
    expect(await webhookOf(org, webhook.id)).toMatchObject({ enabled: true, disabledReason: null });
  });

  it("disables a subscription at once when its endpoint answers 410 Gone", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 410 }));
    const webhook = await aWebhook(org, { url: receiver.url });

    await dispatch(aDomainEvent({ orgId: org.orgId }));

    const [delivery] = await deliveriesOf(org, webhook.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 1, responseStatus: 410 });
    expect(await webhookOf(org, webhook.id)).toMatchObject({ enabled: false, disabledReason: "gone" });
    const notifications = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(notifications.body.data).toHaveLength(1);
  });
});

describe("manual replay", () => {
  it("sends a delivery again with the same webhook-id and answers with the outcome", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 200, body: "again" }));
    const webhook = await aWebhook(org, { url: receiver.url });
    receiver.trust(webhook.secret);
    const event = aDomainEvent({ orgId: org.orgId });
    await dispatch(event);
    const [delivery] = await deliveriesOf(org, webhook.id);

    const replayed = await invoke("webhooks.replayDelivery", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: webhook.id, deliveryId: delivery?.id },
    });

    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      id: delivery?.id,
      status: "succeeded",
      attempts: 2,
      responseSnippet: "again",
    });
    expect(receiver.received.map(({ headers }) => headers["webhook-id"])).toEqual([event.id, event.id]);
    expect(receiver.received[1]?.verifiedWith).toEqual([webhook.secret]);
    expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
  });

  it("recovers after the endpoint is fixed: re-enable the disabled webhook and replay what failed", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver(() => ({ status: 410 }));
    const webhook = await aWebhook(org, { url: receiver.url });
    await dispatch(aDomainEvent({ orgId: org.orgId }));
    const [failed] = await deliveriesOf(org, webhook.id);
    expect((await webhookOf(org, webhook.id)).enabled).toBe(false);

    receiver.answer(() => ({ status: 200 }));
    const enabled = await invoke("webhooks.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: webhook.id },
      body: { enabled: true },
    });
    const replayed = await invoke("webhooks.replayDelivery", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: webhook.id, deliveryId: failed?.id },
    });

    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
    expect(replayed.body).toMatchObject({ status: "succeeded", attempts: 2, responseStatus: 200 });
  });

  it("answers 404 for a delivery of another webhook", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver();
    const first = await aWebhook(org, { url: receiver.url });
    const second = await aWebhook(org, { url: receiver.url, events: ["deal.created"] });
    await dispatch(aDomainEvent({ orgId: org.orgId }));
    const [delivery] = await deliveriesOf(org, first.id);

    const replayed = await invoke("webhooks.replayDelivery", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: second.id, deliveryId: delivery?.id },
    });

    expect(replayed.status).toBe(404);
    expect(receiver.received).toHaveLength(1);
  });
});

describe("secret rotation", () => {
  it("signs with the new and the previous secret for 24 hours, then with the new one only", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver();
    const webhook = await aWebhook(org, { url: receiver.url });
    const rotated = await invoke("webhooks.rotateSecret", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: webhook.id },
    });
    expect(rotated.status).toBe(200);
    const previous = webhook.secret;
    const current: string = rotated.body.secret;
    receiver.trust(previous, current);

    await dispatch(aDomainEvent({ orgId: org.orgId }));
    await at(justAfter(rotated.body.previousSecretExpiresAt), () => dispatch(aDomainEvent({ orgId: org.orgId })));

    const [duringOverlap, afterOverlap] = receiver.received;
    expect(String(duringOverlap?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(duringOverlap?.verifiedWith).toEqual([previous, current]);
    expect(String(afterOverlap?.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(afterOverlap?.verifiedWith).toEqual([current]);

    const stored = await storedItem(org, webhook.id);
    expect([stored.sealedSecret, stored.sealedPreviousSecret]).toEqual([
      expect.stringMatching(/^v1\./),
      expect.stringMatching(/^v1\./),
    ]);
    expect(holds(stored, previous) || holds(stored, current)).toBe(false);
  });

  it("sends nothing with a sealed secret copied onto another webhook: our failure in its log, until it is rotated", async () => {
    const org = await anOrganisation();
    const receiver = await aReceiver();
    const victim = await aReceiver();
    const webhook = await aWebhook(org, { url: receiver.url });
    const other = await aWebhook(org, { url: victim.url });
    receiver.trust(webhook.secret);
    victim.trust(other.secret, webhook.secret);
    // As someone with write access to the table would: the ciphertext of one webhook's secret onto another's.
    const { sealedSecret } = (await WebhookSubscriptionEntity.get({ orgId: org.orgId, webhookId: webhook.id }).go())
      .data ?? { sealedSecret: "" };
    await WebhookSubscriptionEntity.patch({ orgId: org.orgId, webhookId: other.id }).set({ sealedSecret }).go();

    const summary = await dispatchWebhooks(aDomainEvent({ orgId: org.orgId }));

    expect(summary).toMatchObject({ subscriptions: 2, delivered: 1, failed: 0, unsigned: 1 });
    expect(receiver.received[0]?.verifiedWith).toEqual([webhook.secret]);
    expect(victim.connections).toBe(0);
    const [unsent] = await deliveriesOf(org, other.id);
    expect(unsent).toMatchObject({ status: "pending", attempts: 1, responseStatus: null, responseSnippet: null });
    expect(unsent?.error).toMatch(/signing secret could not be opened \(a failure on our side\)/);

    // A replay is no client error: it answers with the outcome, and still sends nothing.
    const replayed = await invoke("webhooks.replayDelivery", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: other.id, deliveryId: unsent?.id },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: "pending", attempts: 2, error: unsent?.error });

    // Retried on the schedule like any failure, but never blamed on the endpoint: the webhook stays enabled.
    for (let attempt = 3; attempt <= maxAttempts; attempt++) {
      const [delivery] = await deliveriesOf(org, other.id);
      await at(justAfter(delivery?.nextAttemptAt), runRetryJob);
    }
    expect((await deliveriesOf(org, other.id))[0]).toMatchObject({ status: "failed", attempts: maxAttempts });
    expect(await webhookOf(org, other.id)).toMatchObject({ enabled: true, disabledReason: null });
    expect(victim.connections).toBe(0);

    // Rotating repairs it: a new secret, no overlap for the one that does not open, and the replay goes out.
    const rotated = await invoke("webhooks.rotateSecret", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: other.id },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    victim.trust(rotated.body.secret);
    const repaired = await invoke("webhooks.replayDelivery", {
      token: org.admin.token,
      params: { orgId: org.orgId, webhookId: other.id, deliveryId: unsent?.id },
    });
    expect(repaired.body).toMatchObject({ status: "succeeded", error: null });
    expect(victim.received.map(({ verifiedWith }) => verifiedWith)).toEqual([[rotated.body.secret]]);
  });
});
