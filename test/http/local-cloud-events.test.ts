import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalCloud, startLocalCloud } from "@crm/local/cloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/event-pipeline";
import { RealtimeClient } from "../support/realtime";
import { aWebhookReceiver, type WebhookReceiver } from "../webhooks/support/receiver";

/**
 * The whole local cloud, as `npm start` runs it (its own in-memory DynamoDB Local, gateway, stream reader, bus,
 * scheduler, WebSocket gateway), driven over HTTP and WebSocket like a newcomer would: one committed write reaches a
 * browser, an automation rule and a webhook receiver.
 */
describe("the local cloud, end to end", () => {
  let cloud: LocalCloud;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    cloud = await startLocalCloud({
      dataDirectory: mkdtempSync(join(tmpdir(), "crm-cloud-")),
      port: 0,
      dynamodbPort: 0,
      inMemory: true,
      issuer: "http://127.0.0.1/local-idp",
      audience: "crm-local",
      logLevel: "SILENT",
    });
    receiver = await aWebhookReceiver();
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await cloud?.stop();
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${cloud.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  it("moving a deal to Proposal pushes the event, runs a rule that creates a task, and delivers a signed webhook", async () => {
    const token = cloud.identityProvider.signAccessToken({ email: "newcomer@example.com", name: "Newcomer" });
    const org = await call("POST", "/v1/orgs", token, { name: "Watching it work" });
    const base = `/v1/orgs/${org.body.id}`;
    const pipelines = await call("GET", `${base}/pipelines`, token);
    const proposal = pipelines.body.data[0].stages.find((stage: { name: string }) => stage.name === "Proposal");

    const webhook = await call("POST", `${base}/webhooks`, token, {
      url: receiver.url,
      events: ["deal.stage_changed"],
      description: "local receiver",
    });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
    receiver.trust(webhook.body.secret);
    // A second subscription that selects no deal events: only the rule's sendWebhook action sends it one.
    const forRule = await call("POST", `${base}/webhooks`, token, {
      url: `${receiver.url}/rule`,
      events: ["contact.created"],
    });
    receiver.trust(forRule.body.secret);
    const rule = await call("POST", `${base}/automation-rules`, token, {
      name: "Proposal follow-up",
      trigger: {
        eventType: "deal.stage_changed",
        conditions: [{ kind: "equals", field: "stageId", value: proposal.id }],
      },
      actions: [
        { type: "createTask", title: "Chase {{record.title}}", assignee: "owner", dueInDays: 3 },
        { type: "notify", recipients: ["owner"], message: "{{record.title}} reached Proposal" },
        { type: "sendWebhook", webhookId: forRule.body.id },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    const browser = await RealtimeClient.connect(cloud.websocketUrl, token);
    try {
      expect(await browser.request({ action: "subscribe", orgId: org.body.id })).toMatchObject({ type: "subscribed" });
      const deal = await call("POST", `${base}/deals`, token, {
        title: "Forty seats",
        value: { amount: 4_000_00, currency: "EUR" },
      });
      await call("PATCH", `${base}/deals/${deal.body.id}/stage`, token, { stageId: proposal.id });

      const pushed = await browser.next(
        (message) => message.type === "event" && message.event.type === "deal.stage_changed",
      );
      expect(pushed).toMatchObject({ event: { record: { id: deal.body.id }, orgId: org.body.id } });
      await eventually(async () => {
        const tasks = await call("GET", `${base}/tasks`, token);
        expect(tasks.body.data.map((task: { subject: string }) => task.subject)).toEqual(["Chase Forty seats"]);
      });
      const delivered = await eventually(() => {
        const hit = receiver.received.find((request) => request.body.includes(deal.body.id));
        expect(hit).toBeDefined();
        return hit;
      });
      expect(delivered?.verifiedWith).toEqual([webhook.body.secret]);
      expect(JSON.parse(delivered?.body ?? "{}")).toMatchObject({ type: "deal.stage_changed" });

      const notified = await browser.next((message) => message.type === "notification");
      expect(notified).toMatchObject({
        notification: { title: "Proposal follow-up", message: "Forty seats reached Proposal" },
      });
      const stored = await call("GET", `${base}/notifications`, token);
      expect(stored.body.data[0]).toMatchObject({ kind: "automation.notify", message: "Forty seats reached Proposal" });
      await eventually(() =>
        expect(receiver.received.filter((request) => request.verifiedWith.includes(forRule.body.secret))).toHaveLength(
          1,
        ),
      );
    } finally {
      await browser.close();
    }
  });
});
