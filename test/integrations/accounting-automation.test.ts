import { busSubscriptions } from "@crm/core/declarations";
import { syncQuickBooks } from "@crm/core/integration";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aDeal } from "../support/builders";
import { eventually, startEventPipeline } from "../support/event-pipeline";
import {
  aStoredConnection,
  intuitSettingsFor,
  linkProviderSettings,
  storedConnection,
  testIntuitClient,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

let intuit: FakeIntuit;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
beforeAll(async () => {
  intuit = await startFakeIntuit({ clients: [{ ...testIntuitClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
  pipeline = await startEventPipeline({ automation: busSubscriptions.automation });
});
afterAll(async () => {
  await pipeline?.stop();
  await intuit?.close();
});

const realmId = () => intuit.books.realms()[0]?.realmId as string;

/** An organisation with QuickBooks connected and a company the books do not know yet. */
async function anOrganisationWithBooks() {
  const org = await anOrganisation();
  const tokens = intuit.oauth.issueTokens({ realmId: realmId() });
  const connection = await aStoredConnection(org, org.admin, "quickbooks", {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accountKey: realmId(),
    accountName: "Northwind Traders",
  });
  const company = await aCompany(org, { name: `Paying Customer ${org.orgId}` });
  const { stage } = await defaultPipelineOf(org);
  return {
    org,
    company,
    stage,
    sync: async () => syncQuickBooks(await storedConnection(org, connection.connectionId)),
  };
}

async function aRule(org: TestOrganisation, body: Record<string, unknown>) {
  const response = await invoke("automationRules.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "Books rule", ...body },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string };
}

const runsOf = async (org: TestOrganisation, ruleId: string) =>
  (await invoke("automationRules.runs", { token: org.admin.token, params: { orgId: org.orgId, ruleId } })).body
    .data as { status: string; actionsTaken: string[]; error: string | null }[];

const dealOf = async (org: TestOrganisation, dealId: string) =>
  (await invoke("deals.get", { token: org.admin.token, params: { orgId: org.orgId, dealId } })).body;

const invoicesOfDeal = async (org: TestOrganisation, dealId: string) =>
  (await invoke("deals.invoices", { token: org.admin.token, params: { orgId: org.orgId, dealId } })).body;

describe("rules on invoices and payments from the books", () => {
  it("when an invoice linked to a deal is paid, the deal is marked won", async () => {
    const { org, company, stage, sync } = await anOrganisationWithBooks();
    const rule = await aRule(org, {
      trigger: { eventType: "invoice.paid", conditions: [{ kind: "isSet", field: "dealId" }] },
      actions: [{ type: "setDealStatus", status: "won" }],
    });
    // Invoiced up front: the deal is still in Proposal when its invoice is drafted.
    const deal = await aDeal(org, {
      title: "Annual plan",
      value: { amount: 4_800_00, currency: "USD" },
      stageId: stage("Proposal").id,
      companyId: company.id,
    });
    const drafted = await invoke("deals.invoice", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(await sync()).toBe("synced");
    expect((await dealOf(org, deal.id)).status).toBe("open");

    intuit.books.payInvoice(realmId(), drafted.body.externalId);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // QuickBooks' change times have whole seconds
    expect(await sync()).toBe("synced");

    await eventually(async () => expect((await dealOf(org, deal.id)).stageId).toBe(stage("Won").id), 30_000);
    expect((await dealOf(org, deal.id)).status).toBe("won");
    const [run] = await runsOf(org, rule.id);
    expect(run).toMatchObject({ status: "succeeded", actionsTaken: [`mark deal ${deal.id} won`] });
    // The deal shows its invoice paid, and what paid it.
    const { data } = await invoicesOfDeal(org, deal.id);
    expect(data).toEqual([
      expect.objectContaining({
        id: drafted.body.id,
        status: "paid",
        balance: { amount: 0, currency: "USD" },
        payments: [expect.objectContaining({ amount: { amount: 4_800_00, currency: "USD" } })],
      }),
    ]);
  }, 60_000);

  it("a paid invoice linked to no deal matches nothing, so no deal moves", async () => {
    const { org, company, sync } = await anOrganisationWithBooks();
    const rule = await aRule(org, {
      trigger: { eventType: "invoice.paid", conditions: [{ kind: "isSet", field: "dealId" }] },
      actions: [{ type: "setDealStatus", status: "won" }],
    });
    const customer = intuit.books.createCustomer(realmId(), { displayName: company.name });
    const invoice = intuit.books.createInvoice(realmId(), {
      customerId: customer.Id,
      lines: [{ description: "Support", quantity: 1, unitPriceCents: 90_00 }],
      status: "sent",
    });
    expect(await sync()).toBe("synced");
    intuit.books.payInvoice(realmId(), invoice.Id);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await sync()).toBe("synced");
    const dryRun = await invoke("automationRules.dryRun", {
      token: org.admin.token,
      params: { orgId: org.orgId, ruleId: rule.id },
      body: {
        event: {
          type: "invoice.paid",
          record: { type: "invoice", id: (await invoicesOfCompany(org, company.id))[0].id },
        },
      },
    });
    expect(dryRun.body).toMatchObject({
      matches: false,
      reasons: ["the event is invoice.paid", "✗ dealId is not set"],
    });
    expect(await runsOf(org, rule.id)).toEqual([]);
  }, 60_000);

  it("when a deal is won, a rule drafts its invoice in the books, once", async () => {
    const { org, company, stage } = await anOrganisationWithBooks();
    const rule = await aRule(org, {
      trigger: { eventType: "deal.stage_changed", conditions: [{ kind: "equals", field: "status", value: "won" }] },
      actions: [{ type: "draftInvoice" }],
    });
    const deal = await aDeal(org, {
      title: "Ten seats",
      value: { amount: 1_000_00, currency: "USD" },
      stageId: stage("Proposal").id,
      companyId: company.id,
    });
    await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { stageId: stage("Won").id },
    });
    const invoices = await eventually(async () => {
      const { data } = await invoicesOfDeal(org, deal.id);
      expect(data).toHaveLength(1);
      return data;
    }, 30_000);
    expect(invoices[0]).toMatchObject({ provider: "quickbooks", status: "draft", total: { amount: 1_000_00 } });
    const customer = intuit.books.customers(realmId()).find((each) => each.DisplayName === company.name);
    expect(intuit.books.invoices(realmId()).filter((each) => each.CustomerRef.value === customer?.Id)).toHaveLength(1);
    await eventually(async () => expect((await runsOf(org, rule.id))[0]?.status).toBe("succeeded"));
  }, 60_000);
});

const invoicesOfCompany = async (org: TestOrganisation, companyId: string) =>
  (await invoke("companies.invoices", { token: org.admin.token, params: { orgId: org.orgId, companyId } })).body.data;
