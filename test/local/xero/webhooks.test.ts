import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeXero, startFakeXero, type XeroTenant } from "@crm/local/xero";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Xero's JSON dynamically
type Json = Record<string, any>;

const app = {
  clientId: "CRMTESTWEBAPP0000000000000000001",
  clientSecret: "fake-xero-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/xero/callback"],
};
// A test-only key, generated per run.
const webhookKey = randomBytes(48).toString("base64");

type Behaviour = "verify" | "always-200" | "200-with-body" | "slow";

/**
 * A webhook receiver on node:http: keeps each request's exact raw body, and answers as `behaviour` says; "verify"
 * is what the CRM must do (200 with an empty body for a good signature, 401 otherwise).
 */
async function startReceiver(behaviour: Behaviour, key = webhookKey) {
  const received: { headers: IncomingHttpHeaders; raw: Buffer; body: Json }[] = [];
  const failures: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: request.headers, raw, body: JSON.parse(raw.toString("utf8")) });
      const failure = failures.shift();
      if (failure !== undefined) {
        response.writeHead(failure).end("boom");
        return;
      }
      if (behaviour === "always-200") return response.writeHead(200).end();
      if (behaviour === "200-with-body") return response.writeHead(200).end("OK");
      if (behaviour === "slow") {
        setTimeout(() => response.writeHead(200).end(), 400);
        return;
      }
      const expected = createHmac("sha256", key).update(raw).digest();
      const given = Buffer.from(String(request.headers["x-xero-signature"] ?? ""), "base64");
      const valid = given.length === expected.length && timingSafeEqual(given, expected);
      response.writeHead(valid ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/integrations/xero/webhook`,
    received,
    /** The next answers are these statuses instead of the behaviour's. */
    failNext: (...statuses: number[]) => failures.push(...statuses),
    eventPayloads: () => received.filter((request) => request.body.events.length > 0),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const clock = Date.UTC(2026, 10, 20, 9, 0, 0);
let xero: FakeXero;
let receiver: Receiver;
let us: XeroTenant;
let europe: XeroTenant;
let token: string;

beforeAll(async () => {
  receiver = await startReceiver("verify");
  // The first fetch of a process is slow to set up; on two busy cores it can approach Xero's 5-second window.
  await fetch(receiver.url, { method: "POST", body: '{"events":[]}' });
  receiver.received.length = 0;
  xero = await startFakeXero({
    clients: [app],
    now: () => clock,
    webhooks: {
      endpoints: [receiver.url],
      webhookKey,
      retryDelaysMs: [20, 40],
      batchDelayMs: 10,
      responseTimeoutMs: 200,
    },
  });
  [us, europe] = xero.tenants() as [XeroTenant, XeroTenant];
  // Xero sends an app's events for its connected organisations only: the US one is connected, Europe is not.
  token = xero.identity.issueTokens({ tenantIds: [us.tenantId] }).access_token;
  await xero.webhooks.idle();
});
afterAll(async () => {
  await xero?.close();
  await receiver?.close();
});
afterEach(async () => {
  await xero.webhooks.idle();
  receiver.received.length = 0;
  xero.webhooks.resume();
});

const firstContact = () => xero.accounting.contacts(us.tenantId)[0]?.ContactID as string;
const newDraft = (tenantId = us.tenantId) =>
  xero.accounting.createInvoice(tenantId, {
    contactId: xero.accounting.contacts(tenantId)[0]?.ContactID as string,
    lineItems: [{ description: "Annual support renewal", unitAmount: 12_500 }],
  });

describe("the fake Xero's webhook payloads", () => {
  it("signs the exact raw body: x-xero-signature is base64 HMAC-SHA256 under the webhook key", async () => {
    const invoice = newDraft();
    await xero.webhooks.idle();
    const [delivery] = receiver.eventPayloads();
    expect(delivery).toBeDefined();
    const signature = createHmac("sha256", webhookKey)
      .update(delivery?.raw as Buffer)
      .digest("base64");
    expect(delivery?.headers["x-xero-signature"]).toBe(signature);
    expect(delivery?.headers["content-type"]).toContain("application/json");
    expect(delivery?.body).toEqual({
      events: [
        {
          resourceUrl: `${xero.apiBaseUrl}/Invoices/${invoice.InvoiceID}`,
          resourceId: invoice.InvoiceID,
          eventDateUtc: new Date(clock).toISOString().replace("Z", ""),
          eventType: "CREATE",
          eventCategory: "INVOICE",
          tenantId: us.tenantId,
          tenantType: "ORGANISATION",
        },
      ],
      firstEventSequence: expect.any(Number),
      lastEventSequence: expect.any(Number),
      entropy: expect.stringMatching(/^[A-Z0-9]+$/),
    });
    // The resource URL is the API's, on the same origin.
    const resource = await fetch(delivery?.body.events[0].resourceUrl, {
      headers: { authorization: `Bearer ${token}`, "xero-tenant-id": us.tenantId },
    });
    expect(((await resource.json()) as Json).Invoices[0].InvoiceID).toBe(invoice.InvoiceID);
  });

  it("batches changes made together into one payload with consecutive sequence numbers", async () => {
    xero.accounting.updateContact(us.tenantId, firstContact(), { emailAddress: "ar@globex.example" });
    const invoice = xero.accounting.invoices(us.tenantId).find((candidate) => candidate.Status === "AUTHORISED");
    xero.accounting.payInvoice(us.tenantId, invoice?.InvoiceID as string, { amount: 1 });
    await xero.webhooks.idle();
    const payloads = receiver.eventPayloads();
    expect(payloads).toHaveLength(1);
    const body = payloads[0]?.body as Json;
    expect(body.events.map((event: Json) => `${event.eventCategory} ${event.eventType}`)).toEqual([
      "CONTACT UPDATE",
      "INVOICE UPDATE",
    ]);
    expect(body.lastEventSequence).toBe(body.firstEventSequence + 1);
  });

  it("raises events for changes made through the API too", async () => {
    const response = await fetch(`${xero.apiBaseUrl}/Contacts`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "xero-tenant-id": us.tenantId, "content-type": "application/json" },
      body: JSON.stringify({ Contacts: [{ Name: "Webhook Prospect Ltd" }] }),
    });
    const created = ((await response.json()) as Json).Contacts[0];
    await xero.webhooks.idle();
    expect(receiver.eventPayloads()[0]?.body.events).toMatchObject([
      { eventCategory: "CONTACT", eventType: "CREATE", resourceId: created.ContactID },
    ]);
  });

  it("sends nothing for an organisation not connected to the app", async () => {
    newDraft(europe.tenantId);
    await xero.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
  });
});

describe("the fake Xero's intent to receive", () => {
  const extra: Receiver[] = [];
  afterAll(async () => {
    for (const other of extra) await other.close();
  });

  it("passed for the endpoint configured at start, whose receiver verifies signatures", () => {
    const checks = xero.webhooks.deliveries().filter((delivery) => delivery.kind === "intent-to-receive");
    const outcome = JSON.stringify(checks.map(({ status, error, durationMs }) => ({ status, error, durationMs })));
    expect(xero.webhooks.status(receiver.url), outcome).toBe("ok");
    expect(checks.map((check) => [check.correctlySigned, check.status])).toEqual([
      [true, 200],
      [false, 401],
    ]);
  });

  it("sends one correctly and one incorrectly signed empty payload and passes a correct receiver", async () => {
    const result = await xero.webhooks.intentToReceive(receiver.url);
    expect(result.passed).toBe(true);
    expect(result.checks.map((check) => [check.expectedStatus, check.status, check.passed])).toEqual([
      [200, 200, true],
      [401, 401, true],
    ]);
    expect(receiver.received).toHaveLength(2);
    for (const request of receiver.received) {
      expect(request.body).toEqual({
        events: [],
        firstEventSequence: 0,
        lastEventSequence: 0,
        entropy: expect.any(String),
      });
    }
    const signatures = receiver.received.map((request) => request.headers["x-xero-signature"]);
    const good = createHmac("sha256", webhookKey)
      .update(receiver.received[0]?.raw as Buffer)
      .digest("base64");
    expect(signatures[0]).toBe(good);
    expect(signatures[1]).not.toBe(
      createHmac("sha256", webhookKey)
        .update(receiver.received[1]?.raw as Buffer)
        .digest("base64"),
    );
  });

  it("fails a receiver that accepts every signature, one that answers with a body, and one slower than the timeout", async () => {
    // Its own fake, to make the 5-second answer window short.
    const quick = await startFakeXero({
      clients: [app],
      webhooks: { endpoints: [], webhookKey, responseTimeoutMs: 200 },
    });
    try {
      for (const behaviour of ["always-200", "200-with-body", "slow"] as const) {
        const other = await startReceiver(behaviour);
        extra.push(other);
        const result = await quick.webhooks.register(other.url);
        expect(result?.passed, behaviour).toBe(false);
        expect(quick.webhooks.status(other.url)).toBe("intent-to-receive-required");
      }
      const reasons = quick.webhooks.deliveries().map((delivery) => delivery.error ?? delivery.responseBody ?? "");
      expect(reasons).toContain("no answer within 200 ms");
    } finally {
      await quick.close();
    }
  });

  it("sends no events to an endpoint that has not passed", async () => {
    const careless = await startReceiver("always-200");
    extra.push(careless);
    await xero.webhooks.register(careless.url);
    careless.received.length = 0;
    newDraft();
    await xero.webhooks.idle();
    expect(careless.received).toHaveLength(0);
    expect(receiver.eventPayloads()).toHaveLength(1);
    expect(
      xero.webhooks
        .deliveries()
        .filter((delivery) => delivery.url === careless.url)
        .at(-1),
    ).toMatchObject({
      kind: "events",
      attempt: 0,
      delivered: false,
    });
    xero.webhooks.unregister(careless.url);
  });

  it("fails a receiver that checks against the wrong key", async () => {
    const misconfigured = await startReceiver("verify", randomBytes(48).toString("base64"));
    extra.push(misconfigured);
    const result = await xero.webhooks.intentToReceive(misconfigured.url);
    expect(result.passed).toBe(false);
    expect(result.checks[0]).toMatchObject({ correctlySigned: true, status: 401, passed: false });
  });
});

describe("the fake Xero's delivery failures", () => {
  it("re-sends the same signed payload after a failure, until a 2xx", async () => {
    receiver.failNext(500, 503);
    newDraft();
    await xero.webhooks.idle();
    const attempts = receiver.eventPayloads();
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((attempt) => attempt.raw.toString("utf8"))).size).toBe(1);
    const recorded = xero.webhooks
      .deliveries()
      .filter((delivery) => delivery.kind === "events")
      .slice(-3);
    expect(recorded.map((delivery) => [delivery.attempt, delivery.status, delivery.delivered])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(xero.webhooks.status(receiver.url)).toBe("ok");
  });

  it("marks the endpoint failing when every attempt fails, and recovers on the next success", async () => {
    receiver.failNext(500, 500, 500);
    newDraft();
    await xero.webhooks.idle();
    expect(xero.webhooks.status(receiver.url)).toBe("failing");
    newDraft();
    await xero.webhooks.idle();
    expect(xero.webhooks.status(receiver.url)).toBe("ok");
  });

  it("delivers nothing while paused, so only polling with If-Modified-Since sees the change", async () => {
    const before = new Date(clock).toUTCString();
    const lastSequence = Math.max(...xero.webhooks.deliveries().map((delivery) => delivery.lastEventSequence));
    xero.webhooks.pause();
    const missed = newDraft();
    await xero.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(xero.webhooks.missed().at(-1)).toMatchObject({ resourceId: missed.InvoiceID });
    const polled = await fetch(`${xero.apiBaseUrl}/Invoices`, {
      headers: { authorization: `Bearer ${token}`, "xero-tenant-id": us.tenantId, "if-modified-since": before },
    });
    expect(((await polled.json()) as Json).Invoices.map((invoice: Json) => invoice.InvoiceID)).toContain(
      missed.InvoiceID,
    );

    xero.webhooks.resume();
    newDraft();
    await xero.webhooks.idle();
    const [next] = receiver.eventPayloads();
    // The missed event took a sequence number: a receiver can see the gap.
    expect(next?.body.firstEventSequence).toBeGreaterThan(lastSequence + 1);
  });

  it("delivers a payload twice on demand, the same bytes and signature", async () => {
    xero.webhooks.duplicateNext();
    newDraft();
    await xero.webhooks.idle();
    const [first, second] = receiver.eventPayloads();
    expect(receiver.eventPayloads()).toHaveLength(2);
    expect(second?.raw.equals(first?.raw as Buffer)).toBe(true);
    expect(second?.headers["x-xero-signature"]).toBe(first?.headers["x-xero-signature"]);
  });
});

describe("the fake Xero's lifecycle", () => {
  it("close() cancels pending retries instead of waiting for them", async () => {
    const down = await startReceiver("verify");
    const fake = await startFakeXero({
      clients: [app],
      webhooks: { endpoints: [down.url], webhookKey, retryDelaysMs: [60_000], batchDelayMs: 1 },
    });
    try {
      await fake.webhooks.idle();
      fake.identity.issueTokens({ tenantIds: [fake.tenants()[0]?.tenantId as string] });
      down.failNext(500);
      fake.accounting.createContact(fake.tenants()[0]?.tenantId as string, { name: "Closing Time Inc" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      await fake.close();
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(down.eventPayloads()).toHaveLength(1);
    } finally {
      // A second close() is harmless; this one covers a failure before the measured one.
      await fake.close();
      await down.close();
    }
  });
});
