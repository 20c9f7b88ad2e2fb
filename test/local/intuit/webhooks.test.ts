import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { demoRealmIds, type FakeIntuit, type FakeIntuitOptions, startFakeIntuit } from "@crm/local/intuit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Intuit's JSON dynamically
type Json = Record<string, any>;

const client = {
  clientId: "ABcrmTestClientId0123456789",
  clientSecret: "fake-intuit-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/quickbooks/callback"],
};
const verifierToken = "fake-verifier-token-for-tests";
const realmId = demoRealmIds.northwind;

/** A local webhook receiver: keeps each request's exact bytes, answers with the queued statuses (then 200), after
 * the queued delays (then at once). */
async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];
  const statuses: number[] = [];
  const delays: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, raw: Buffer.concat(chunks) });
      const status = statuses.shift() ?? 200;
      const delayMs = delays.shift() ?? 0;
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(status);
        response.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/integrations/quickbooks/webhooks`,
    received,
    answerNext: (...codes: number[]) => statuses.push(...codes),
    delayNext: (...ms: number[]) => delays.push(...ms),
    bodies: () => received.map((request) => JSON.parse(request.raw.toString("utf8")) as Json),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Verifies intuit-signature as the CRM must: HMAC-SHA256 of the raw body with the verifier token, base64. */
function signatureVerifies(raw: Buffer, header: string | string[] | undefined) {
  const expected = createHmac("sha256", verifierToken).update(raw).digest();
  const given = Buffer.from(String(header ?? ""), "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function useFakeWithReceiver(options: Partial<FakeIntuitOptions> = {}, format?: "cloudevents" | "legacy") {
  const holder = {} as { fake: FakeIntuit; receiver: Awaited<ReturnType<typeof startReceiver>> };
  beforeAll(async () => {
    holder.receiver = await startReceiver();
    holder.fake = await startFakeIntuit({
      clients: [client],
      webhooks: {
        endpoints: [holder.receiver.url],
        verifierToken,
        ...(format ? { format } : {}),
        batchWindowMs: 20,
        timeoutMs: 300,
        retryDelaysMs: [20, 40, 80],
      },
      ...options,
    });
    // Intuit notifies only companies connected to the app.
    holder.fake.oauth.issueTokens({ realmId });
  });
  afterAll(async () => {
    await holder.fake?.close();
    await holder.receiver?.close();
  });
  afterEach(() => {
    holder.receiver.received.length = 0;
  });
  return holder;
}

const firstCustomerId = (fake: FakeIntuit) => fake.books.customers(realmId)[0]?.Id as string;

describe("the fake Intuit's webhooks in the CloudEvents format", () => {
  const context = useFakeWithReceiver();

  it("POSTs a signed JSON array of CloudEvents for a change of the books; the signature verifies over the raw body", async () => {
    const { fake, receiver } = context;
    const invoice = fake.books.createInvoice(realmId, {
      customerId: firstCustomerId(fake),
      lines: [{ quantity: 1, unitPriceCents: 5000 }],
    });
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(signatureVerifies(request?.raw as Buffer, request?.headers["intuit-signature"])).toBe(true);
    expect(signatureVerifies(Buffer.from(`${request?.raw.toString()} `), request?.headers["intuit-signature"])).toBe(
      false,
    );
    const events = JSON.parse(request?.raw.toString("utf8") ?? "[]");
    expect(events).toEqual([
      {
        specversion: "1.0",
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source: expect.stringMatching(/^intuit\./),
        type: "qbo.invoice.created.v1",
        datacontenttype: "application/json",
        time: expect.stringMatching(/Z$/),
        intuitentityid: invoice.Id,
        intuitaccountid: realmId,
        data: {},
      },
    ]);
    expect(fake.webhooks.deliveries().at(-1)).toMatchObject({ delivered: true, status: 200, attempt: 1, events: 1 });
  });

  it("batches changes made together into one array, in order, with the operation in each type", async () => {
    const { fake, receiver } = context;
    const invoice = fake.books.createInvoice(realmId, {
      customerId: firstCustomerId(fake),
      lines: [{ quantity: 2, unitPriceCents: 2500 }],
    });
    fake.books.sendInvoice(realmId, invoice.Id);
    const payment = fake.books.payInvoice(realmId, invoice.Id);
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    const types = (receiver.bodies()[0] as Json[]).map((event) => [event.type, event.intuitentityid]);
    expect(types).toEqual([
      ["qbo.invoice.created.v1", invoice.Id],
      ["qbo.invoice.emailed.v1", invoice.Id],
      ["qbo.payment.created.v1", payment.Id],
      ["qbo.invoice.updated.v1", invoice.Id],
    ]);
  });

  it("re-sends a batch until the receiver answers 200 (a 204 or a 500 does not count), within bounded retries", async () => {
    const { fake, receiver } = context;
    receiver.answerNext(500, 204);
    fake.books.updateCustomer(realmId, firstCustomerId(fake), { notes: "retried" });
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.raw.toString())).size).toBe(1);
    const attempts = fake.webhooks.deliveries().slice(-3);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status, attempt.delivered])).toEqual([
      [1, 500, false],
      [2, 204, false],
      [3, 200, true],
    ]);

    receiver.answerNext(503, 503, 503, 503, 503);
    fake.books.updateCustomer(realmId, firstCustomerId(fake), { notes: "given up" });
    await fake.webhooks.idle();
    expect(
      fake.webhooks
        .deliveries()
        .slice(-4)
        .map((attempt) => attempt.attempt),
    ).toEqual([1, 2, 3, 4]);
    expect(fake.webhooks.deliveries().at(-1)?.delivered).toBe(false);
  });

  it("counts an answer slower than the timeout as failed and re-sends", async () => {
    const { fake, receiver } = context;
    receiver.delayNext(500);
    fake.books.updateCustomer(realmId, firstCustomerId(fake), { notes: "slow receiver" });
    await fake.webhooks.idle();
    const [first, second] = fake.webhooks.deliveries().slice(-2);
    expect(first).toMatchObject({ attempt: 1, delivered: false, error: expect.any(String) });
    expect(second).toMatchObject({ attempt: 2, delivered: true });
  });

  it("sends nothing while paused (the change is missed for good), and again after resume", async () => {
    const { fake, receiver } = context;
    fake.webhooks.pause();
    const missed = fake.books.createCustomer(realmId, { displayName: "Missed Webhook Ltd" });
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(fake.webhooks.missed().at(-1)).toMatchObject({ entity: "Customer", id: missed.Id, operation: "Create" });
    fake.webhooks.resume();
    fake.books.updateCustomer(realmId, missed.Id, { email: "ap@missed.example" });
    await fake.webhooks.idle();
    expect((receiver.bodies()[0] as Json[]).map((event) => event.type)).toEqual(["qbo.customer.updated.v1"]);
  });

  it("delivers a batch twice on demand, the copy byte for byte with the same event ids", async () => {
    const { fake, receiver } = context;
    fake.webhooks.duplicateNext();
    fake.books.updateCustomer(realmId, firstCustomerId(fake), { notes: "duplicated" });
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]?.raw.equals(receiver.received[0]?.raw as Buffer)).toBe(true);
    expect(fake.webhooks.deliveries().at(-1)).toMatchObject({ duplicate: true, delivered: true });
  });

  it("notifies only companies connected to the app, and emits any event on demand", async () => {
    const { fake, receiver } = context;
    const europe = demoRealmIds.northwindEurope;
    fake.books.createCustomer(europe, { displayName: "Unconnected Customer BV", currency: "EUR" });
    await fake.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    fake.webhooks.emit({ realmId, entity: "Customer", id: "7", operation: "Merge", deletedId: "8" });
    await fake.webhooks.idle();
    expect(receiver.bodies()[0]).toEqual([
      expect.objectContaining({ type: "qbo.customer.merged.v1", intuitentityid: "7", data: { deletedId: "8" } }),
    ]);
  });
});

describe("the fake Intuit's webhooks in the legacy eventNotifications format", () => {
  const context = useFakeWithReceiver({}, "legacy");

  it("POSTs eventNotifications per company with each entity's name, id, operation and lastUpdated, signed", async () => {
    const { fake, receiver } = context;
    const invoice = fake.books.createInvoice(realmId, {
      customerId: firstCustomerId(fake),
      lines: [{ amountCents: 12_345 }],
    });
    fake.books.voidInvoice(realmId, invoice.Id);
    await fake.webhooks.idle();
    const [request] = receiver.received;
    expect(signatureVerifies(request?.raw as Buffer, request?.headers["intuit-signature"])).toBe(true);
    expect(receiver.bodies()[0]).toEqual({
      eventNotifications: [
        {
          realmId,
          dataChangeEvent: {
            entities: [
              { name: "Invoice", id: invoice.Id, operation: "Create", lastUpdated: expect.stringMatching(/Z$/) },
              { name: "Invoice", id: invoice.Id, operation: "Void", lastUpdated: expect.stringMatching(/Z$/) },
            ],
          },
        },
      ],
    });
  });
});

describe("closing the fake Intuit with webhooks pending", () => {
  it("cancels waiting retries instead of waiting for them", async () => {
    const receiver = await startReceiver();
    const fake = await startFakeIntuit({
      clients: [client],
      webhooks: { endpoints: [receiver.url], verifierToken, batchWindowMs: 10, retryDelaysMs: [60_000] },
    });
    try {
      fake.oauth.issueTokens({ realmId });
      receiver.answerNext(500);
      fake.books.updateCustomer(realmId, firstCustomerId(fake), { notes: "closing" });
      while (fake.webhooks.deliveries().length === 0 || fake.webhooks.deliveries()[0]?.status === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const started = performance.now();
      await fake.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(fake.webhooks.deliveries()).toHaveLength(1);
    } finally {
      await fake.close();
      await receiver.close();
    }
  });
});
