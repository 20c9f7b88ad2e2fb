import "./support/delivery-environment";
import { readFileSync } from "node:fs";
import { metricNames } from "@crm/core/declarations";
import { emfRecordsOf } from "@crm/local/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { aDomainEvent } from "../support/events";
import { anOrganisation } from "../support/organisations";
import { type Answer, aWebhookReceiver, type WebhookReceiver } from "./support/receiver";
import { aWebhook, dispatch } from "./support/webhooks";

// This file's own metrics file, in the run's temporary directory, before the handlers read their configuration.
const metricsFile = vi.hoisted(() => {
  const file = (process.env.METRICS_FILE ?? "").replace(/\.ndjson$/, `-delivery-metrics-${Date.now()}.ndjson`);
  process.env.METRICS_FILE = file;
  return file;
});

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** A delivery of one event to a receiver answering `answer`, and the metrics records it left. */
async function aDeliveryAnswered(answer: Answer) {
  const org = await anOrganisation();
  const receiver = await aWebhookReceiver(() => answer);
  receivers.push(receiver);
  const webhook = await aWebhook(org, { url: receiver.url });
  receiver.trust(webhook.secret);
  await dispatch(aDomainEvent({ orgId: org.orgId, type: "deal.created" }));
  const records = emfRecordsOf(readFileSync(metricsFile, "utf8"));
  return { webhookId: webhook.id, calls: records.filter((record) => record.webhookId === webhook.id) };
}

describe("the metrics of an outgoing webhook", () => {
  it("each attempt is an external call to `webhook` with its latency and outcome, the ids as metadata", async () => {
    const { webhookId, calls } = await aDeliveryAnswered({ status: 200, body: "thanks" });

    expect(calls).toEqual([
      expect.objectContaining({
        target: "webhook",
        outcome: "success",
        webhookId,
        status: "200",
        [metricNames.externalCalls]: 1,
        [metricNames.externalCallLatency]: expect.any(Number),
      }),
    ]);
    expect(calls[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ["service", "target"],
      ["service", "target", "outcome"],
    ]);
  });

  it("an endpoint answering 5xx is a server-error outcome", async () => {
    const { calls } = await aDeliveryAnswered({ status: 503, body: "down" });

    expect(calls).toEqual([expect.objectContaining({ target: "webhook", outcome: "server-error", status: "503" })]);
  });

  it("the subscriber's invocation has its own record, by function, with its DynamoDB calls", async () => {
    await aDeliveryAnswered({ status: 204 });

    const invocations = emfRecordsOf(readFileSync(metricsFile, "utf8")).filter(
      (record) => record.function === "webhook-dispatch",
    );
    expect(invocations.length).toBeGreaterThan(0);
    expect(invocations.at(-1)?.[metricNames.dynamodbCalls]).toBeGreaterThan(0);
    expect(invocations.at(-1)?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "function"]]);
  });
});
