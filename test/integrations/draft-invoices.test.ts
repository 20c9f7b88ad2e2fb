import { syncQuickBooks } from "@crm/core/integration";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aDeal, aPipeline } from "../support/builders";
import {
  aStoredConnection,
  intuitSettingsFor,
  linkProviderSettings,
  storedConnection,
  testIntuitClient,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let intuit: FakeIntuit;
beforeAll(async () => {
  intuit = await startFakeIntuit({ clients: [{ ...testIntuitClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
});
afterAll(() => intuit?.close());

const realmId = () => intuit.books.realms()[0]?.realmId as string;

async function anOrganisationWithBooks() {
  const org = await anOrganisation();
  const tokens = intuit.oauth.issueTokens({ realmId: realmId() });
  await aStoredConnection(org, org.admin, "quickbooks", {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accountKey: realmId(),
    accountName: "Northwind Traders",
  });
  const pipeline = await aPipeline(org, {
    name: "Sales",
    stages: [
      { name: "Talking", probability: 30 },
      { name: "Won", probability: 100, kind: "won" },
      { name: "Lost", probability: 0, kind: "lost" },
    ],
  });
  const stage = (kind: string) => pipeline.stages.find((each: { kind: string }) => each.kind === kind).id as string;
  return { org, pipeline, stage };
}

const draft = (org: TestOrganisation, dealId: string) =>
  invoke("deals.invoice", { token: org.admin.token, params: { orgId: org.orgId, dealId } });

describe("a draft invoice from a won deal", () => {
  it("is created once in QuickBooks for the deal's company, pushed as a new customer, and linked to the deal", async () => {
    const { org, pipeline, stage } = await anOrganisationWithBooks();
    const company = await aCompany(org, { name: `Brand New ${org.orgId}` });
    const deal = await aDeal(org, {
      title: "Twelve seats",
      value: { amount: 1234_56, currency: "USD" },
      pipelineId: pipeline.id,
      stageId: stage("won"),
      companyId: company.id,
    });
    const first = await draft(org, deal.id);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: "draft", total: { amount: 1234_56, currency: "USD" }, dealId: deal.id });
    const again = await draft(org, deal.id);
    expect(again.body.id).toBe(first.body.id);
    const customer = intuit.books.customers(realmId()).find((each) => each.DisplayName === company.name);
    expect(customer).toBeDefined();
    const inBooks = intuit.books.invoices(realmId()).filter((invoice) => invoice.CustomerRef.value === customer?.Id);
    expect(inBooks).toHaveLength(1);
    expect(inBooks[0]).toMatchObject({ TotalAmt: 1234.56, EmailStatus: "NeedToSend" });
    const invoices = await invoke("companies.invoices", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: company.id },
    });
    expect(invoices.body.data).toEqual([expect.objectContaining({ id: first.body.id, dealId: deal.id })]);
    // The next sync copies the invoice from the books again, which do not know the deal: the link stays.
    const connections = await invoke("integrations.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const books = connections.body.data.find((each: { provider: string }) => each.provider === "quickbooks");
    expect(await syncQuickBooks(await storedConnection(org, books.id))).toBe("synced");
    const afterSync = await invoke("companies.invoices", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId: company.id },
    });
    expect(afterSync.body.data).toEqual([expect.objectContaining({ id: first.body.id, dealId: deal.id })]);
  });

  it("refuses a deal that is not won, or has no company, and creates nothing", async () => {
    const { org, pipeline, stage } = await anOrganisationWithBooks();
    const company = await aCompany(org);
    const open = await aDeal(org, { pipelineId: pipeline.id, stageId: stage("open"), companyId: company.id });
    const before = intuit.books.invoices(realmId()).length;
    const refused = await draft(org, open.id);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ path: "path.dealId", message: expect.stringMatching(/won/) });
    const companyless = await aDeal(org, { pipelineId: pipeline.id, stageId: stage("won") });
    expect((await draft(org, companyless.id)).status).toBe(400);
    expect(intuit.books.invoices(realmId())).toHaveLength(before);
  });
});
