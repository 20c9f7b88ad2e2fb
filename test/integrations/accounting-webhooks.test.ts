import { createHmac, randomInt } from "node:crypto";
import { busSubscriptions } from "@crm/core/declarations";
import { syncQuickBooks } from "@crm/core/integration";
import { startHttpGateway } from "@crm/local/gateway";
import { demoBooks, type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { demoCompanies } from "@crm/local/seed";
import { type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
import {
  intuitSettingsFor,
  linkGoogle,
  linkProviderSettings,
  storedConnection,
  testIntuitClient,
  testIntuitVerifierToken,
  testXeroClient,
  testXeroWebhookKey,
  xeroSettingsFor,
} from "../support/integrations";
import { logsOf } from "../support/logs";
import { anOrganisation } from "../support/organisations";

// Before the handler modules load: their logger reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "WARN";
});

let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
let intuit: FakeIntuit;
let xero: FakeXero;
let quickBooksUrl: string;
let xeroUrl: string;

// Webhooks come over real HTTP from the fakes' emitters to the local gateway's receivers; the sync requests they
// put on the local bus run the real subscriber.
beforeAll(async () => {
  gateway = await startHttpGateway({ port: 0 });
  quickBooksUrl = `${gateway.url}/v1/integrations/quickbooks/webhooks`;
  xeroUrl = `${gateway.url}/v1/integrations/xero/webhooks`;
  intuit = await startFakeIntuit({
    clients: [{ ...testIntuitClient, redirectUris: [`${gateway.url}/v1/integrations/quickbooks/callback`] }],
    // A realm of its own: a webhook syncs every connection of its realm in the shared table, and with the demo
    // realm that meant every other file's connections too (the bus-triggered sync then fell behind under load).
    seed: demoBooks(Date.now()).map((books) => ({ ...books, realmId: `9${randomInt(10 ** 12, 10 ** 13)}` })),
    webhooks: { endpoints: [quickBooksUrl], verifierToken: testIntuitVerifierToken, retryDelaysMs: [50, 100] },
  });
  xero = await startFakeXero({
    clients: [{ ...testXeroClient, redirectUris: [`${gateway.url}/v1/integrations/xero/callback`] }],
    webhooks: { endpoints: [], webhookKey: testXeroWebhookKey },
  });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
  linkGoogle("http://127.0.0.1:9", `${gateway.url}/`);
  pipeline = await startEventPipeline({ integrationSync: busSubscriptions.integrationSync });
});
afterAll(async () => {
  await intuit?.close();
  await xero?.close();
  await pipeline?.stop();
  await gateway?.close();
});

const sign = (key: string, body: string) => createHmac("sha256", key).update(body).digest("base64");
const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("QuickBooks webhooks", () => {
  it("a new invoice in QuickBooks sends a verified webhook that is logged on the connection, and the invoice reaches its company", async () => {
    const org = await anOrganisation();
    const globex = demoCompanies.find((company) => company.name === "Globex Corporation");
    const company = await aCompany(org, { name: globex?.name, domain: globex?.domain });
    const realm = intuit.books.realms()[0];
    if (!realm) throw new Error("the fake has no company");
    const started = await invoke("integrations.connect", {
      token: org.admin.token,
      params: { orgId: org.orgId, provider: "quickbooks" },
    });
    const location = await intuit.consent(started.body.authorizationUrl, { realmId: realm.realmId });
    const callback = await invoke("integrations.callback", {
      params: { provider: "quickbooks" },
      query: Object.fromEntries(new URL(location).searchParams),
    });
    expect(await syncQuickBooks(await storedConnection(org, callback.body.id))).toBe("synced");
    const customer = intuit.books.customers(realm.realmId).find((each) => each.DisplayName.startsWith("Globex"));
    const created = intuit.books.createInvoice(realm.realmId, {
      customerId: customer?.Id as string,
      lines: [{ description: "Support plan", quantity: 1, unitPriceCents: 99_00 }],
      status: "sent",
    });
    // The webhook arrives, is verified and logged on the connection, and asks for a sync on the bus.
    await eventually(async () => {
      const log = await invoke("integrations.logs", {
        token: org.admin.token,
        params: { orgId: org.orgId, connectionId: callback.body.id },
      });
      expect(log.body.data).toContainEqual(
        expect.objectContaining({ direction: "incoming", operation: "quickbooks.webhook" }),
      );
    }, 30_000);
    // The sync it asked for stores the new invoice on the company.
    await eventually(async () => {
      const invoices = await invoke("companies.invoices", {
        token: org.admin.token,
        params: { orgId: org.orgId, companyId: company.id },
      });
      expect(invoices.body.data.map((invoice: { externalId: string }) => invoice.externalId)).toContain(created.Id);
    }, 30_000);
  }, 60_000); // the whole chain: organisation, connection, first sync, webhook, bus, second sync

  it("refuses a body that is not signed with the verifier token, before reading it", async () => {
    const body = JSON.stringify([
      { specversion: "1.0", id: "1", type: "qbo.invoice.created.v1", intuitaccountid: "1" },
    ]);
    expect((await post(quickBooksUrl, body, {})).status).toBe(401);
    expect((await post(quickBooksUrl, body, { "intuit-signature": sign("guessed", body) })).status).toBe(401);
    expect(
      (await post(quickBooksUrl, `${body} `, { "intuit-signature": sign(testIntuitVerifierToken, body) })).status,
    ).toBe(401);
  });

  it("acknowledges a signed notification for a company nobody connected, and the legacy envelope too", async () => {
    const cloudEvents = JSON.stringify([
      { specversion: "1.0", id: "e1", type: "qbo.invoice.updated.v1", intuitaccountid: "999999", intuitentityid: "7" },
    ]);
    expect(
      (await post(quickBooksUrl, cloudEvents, { "intuit-signature": sign(testIntuitVerifierToken, cloudEvents) }))
        .status,
    ).toBe(200);
    const legacy = JSON.stringify({
      eventNotifications: [{ realmId: "999999", dataChangeEvent: { entities: [{ name: "Invoice", id: "7" }] } }],
    });
    expect(
      (await post(quickBooksUrl, legacy, { "intuit-signature": sign(testIntuitVerifierToken, legacy) })).status,
    ).toBe(200);
  });
});

describe("Xero webhooks", () => {
  it("passes Xero's intent-to-receive check: 200 with an empty body when signed, 401 when not", async () => {
    const result = await xero.webhooks.intentToReceive(xeroUrl);
    expect(result.passed, JSON.stringify(result)).toBe(true);
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: "ABC" });
    const signed = await post(xeroUrl, body, { "x-xero-signature": sign(testXeroWebhookKey, body) });
    expect(signed.status).toBe(200);
    expect(await signed.text()).toBe("");
    expect((await post(xeroUrl, body, { "x-xero-signature": sign("guessed", body) })).status).toBe(401);
  });

  it("acknowledges a signed event for an organisation nobody connected, and refuses the same event forged", async () => {
    const body = JSON.stringify({
      events: [
        {
          resourceUrl: "https://api.xero.com/api.xro/2.0/Invoices/5f0c7e1c-0000-4000-8000-000000000001",
          resourceId: "5f0c7e1c-0000-4000-8000-000000000001",
          eventDateUtc: new Date().toISOString(),
          eventType: "UPDATE",
          eventCategory: "INVOICE",
          tenantId: "00000000-0000-4000-8000-00000000abcd",
          tenantType: "ORGANISATION",
        },
      ],
      firstEventSequence: 1,
      lastEventSequence: 1,
      entropy: "UNKNOWNTENANT",
    });
    let acknowledged: Response | undefined;
    const logs = await logsOf(async () => {
      acknowledged = await post(xeroUrl, body, { "x-xero-signature": sign(testXeroWebhookKey, body) });
    });
    expect(acknowledged?.status).toBe(200); // not retried by Xero: nobody here syncs that organisation
    expect(await acknowledged?.text()).toBe("");
    expect(logs).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "webhook for accounts nobody connected", connections: 0 }),
    );
    const forged = await post(xeroUrl, body, { "x-xero-signature": sign("not-the-webhook-key", body) });
    expect(forged.status).toBe(401);
  });
});
