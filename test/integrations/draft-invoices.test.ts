import { syncQuickBooks } from "@crm/core/integration";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aDeal, aPipeline } from "../support/builders";
import { injectTransactionFailures } from "../support/faults";
import {
  aStoredConnection,
  intuitSettingsFor,
  linkProviderSettings,
  storedConnection,
  testIntuitClient,
  testXeroClient,
  xeroSettingsFor,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type Books = "quickbooks" | "xero";

let intuit: FakeIntuit;
let xero: FakeXero;
beforeAll(async () => {
  intuit = await startFakeIntuit({ clients: [{ ...testIntuitClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
  xero = await startFakeXero({ clients: [{ ...testXeroClient, redirectUris: ["http://127.0.0.1:9/cb"] }] });
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
});
afterAll(async () => {
  await intuit?.close();
  await xero?.close();
});
// Every test writes to the same Xero organisation and QuickBooks company: each starts with the providers' per-minute
// and per-second allowances of its own, and with no fault an earlier test left queued.
beforeEach(() => {
  xero.accounting.resetLimits();
  intuit.books.resetLimits();
});

const realmId = () => intuit.books.realms()[0]?.realmId as string;
const tenantId = () => xero.tenants()[0]?.tenantId as string;

/** An organisation with the given books connected (QuickBooks unless told) and a pipeline with a won stage. */
async function anOrganisationWithBooks(...books: Books[]) {
  const org = await anOrganisation();
  for (const provider of books.length > 0 ? books : ["quickbooks"]) {
    if (provider === "quickbooks") {
      const tokens = intuit.oauth.issueTokens({ realmId: realmId() });
      await aStoredConnection(org, org.admin, "quickbooks", {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        accountKey: realmId(),
        accountName: "Northwind Traders",
      });
    } else {
      const tokens = xero.identity.issueTokens({ tenantIds: [tenantId()] });
      await aStoredConnection(org, org.admin, "xero", {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        accountKey: tenantId(),
        accountName: xero.tenants()[0]?.tenantName as string,
      });
    }
  }
  const pipeline = await aPipeline(org, {
    name: "Sales",
    stages: [
      { name: "Talking", probability: 30 },
      { name: "Won", probability: 100, kind: "won" },
      { name: "Lost", probability: 0, kind: "lost" },
    ],
  });
  const stage = (kind: string) => pipeline.stages.find((each: { kind: string }) => each.kind === kind).id as string;
  /** A won deal of the company, worth 1,234.56 USD unless told. */
  const aWonDeal = (
    companyId: string,
    overrides: { title?: string; value?: { amount: number; currency: string } } = {},
  ) =>
    aDeal(org, {
      title: "Twelve seats",
      value: { amount: 1234_56, currency: "USD" },
      ...overrides,
      pipelineId: pipeline.id,
      stageId: stage("won"),
      companyId,
    });
  return { org, pipeline, stage, aWonDeal };
}

const draft = (org: TestOrganisation, dealId: string, provider?: Books) =>
  invoke("deals.invoice", {
    token: org.admin.token,
    params: { orgId: org.orgId, dealId },
    ...(provider ? { query: { provider } } : {}),
  });

const invoicesOfCompany = async (org: TestOrganisation, companyId: string) =>
  (await invoke("companies.invoices", { token: org.admin.token, params: { orgId: org.orgId, companyId } })).body.data;

const xeroContactsNamed = (name: string) => xero.accounting.contacts(tenantId()).filter((each) => each.Name === name);
const xeroInvoicesOf = (contactId: string) =>
  xero.accounting.invoices(tenantId()).filter((invoice) => invoice.Contact.ContactID === contactId);
const xeroInvoiceWrites = () =>
  xero.accounting.requests().filter((request) => request.method === "POST" && request.path === "/api.xro/2.0/Invoices");

/** What either books hold, to show a refused draft created nothing. */
const booksContents = () => ({
  quickbooks: {
    customers: intuit.books.customers(realmId()).length,
    invoices: intuit.books.invoices(realmId()).length,
  },
  xero: {
    contacts: xero.accounting.contacts(tenantId()).length,
    invoices: xero.accounting.invoices(tenantId()).length,
  },
});

describe("a draft invoice from a won deal in QuickBooks", () => {
  it("is created once in QuickBooks for the deal's company, pushed as a new customer, and linked to the deal", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org, { name: `Brand New ${org.orgId}` });
    const deal = await aWonDeal(company.id);
    const first = await draft(org, deal.id);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      provider: "quickbooks",
      status: "draft",
      total: { amount: 1234_56, currency: "USD" },
      dealId: deal.id,
    });
    const again = await draft(org, deal.id);
    expect(again.body.id).toBe(first.body.id);
    const customer = intuit.books.customers(realmId()).find((each) => each.DisplayName === company.name);
    expect(customer).toBeDefined();
    const inBooks = intuit.books.invoices(realmId()).filter((invoice) => invoice.CustomerRef.value === customer?.Id);
    expect(inBooks).toHaveLength(1);
    expect(inBooks[0]).toMatchObject({ TotalAmt: 1234.56, EmailStatus: "NeedToSend" });
    expect(await invoicesOfCompany(org, company.id)).toEqual([
      expect.objectContaining({ id: first.body.id, dealId: deal.id }),
    ]);
    // The next sync copies the invoice from the books again, which do not know the deal: the link stays.
    const connections = await invoke("integrations.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const books = connections.body.data.find((each: { provider: string }) => each.provider === "quickbooks");
    expect(await syncQuickBooks(await storedConnection(org, books.id))).toBe("synced");
    expect(await invoicesOfCompany(org, company.id)).toEqual([
      expect.objectContaining({ id: first.body.id, dealId: deal.id }),
    ]);
  });

  it("raises invoice.created naming the deal it was drafted from", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org, { name: `Eventful ${org.orgId}` });
    const deal = await aWonDeal(company.id);
    const drafted = await draft(org, deal.id);
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    const audit = await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const ofInvoice = (audit.body.data as { recordId: string }[]).filter((entry) => entry.recordId === drafted.body.id);
    expect(ofInvoice).toEqual([
      expect.objectContaining({
        recordType: "invoice",
        action: "created",
        changes: expect.arrayContaining([{ field: "dealId", before: null, after: deal.id }]),
      }),
    ]);
  });

  it("answers 502 when QuickBooks is failing, creates nothing, and the retry creates the one invoice", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org, { name: `Retried ${org.orgId}` });
    const deal = await aWonDeal(company.id);
    const systemFault = {
      code: "10000",
      message: "An application error has occurred.",
      type: "SystemFault",
      status: 500,
    };
    intuit.books.faultNext(systemFault, { count: 3, on: "write" });
    const failed = await draft(org, deal.id);
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ type: expect.stringContaining("provider-unavailable") });
    expect(await invoicesOfCompany(org, company.id)).toEqual([]);
    const retried = await draft(org, deal.id);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    const customer = intuit.books.customers(realmId()).filter((each) => each.DisplayName === company.name);
    expect(customer).toHaveLength(1);
    expect(intuit.books.invoices(realmId()).filter((each) => each.CustomerRef.value === customer[0]?.Id)).toHaveLength(
      1,
    );
  });

  it("refuses a lost deal, or one with no company, and creates nothing", async () => {
    const { org, pipeline, stage } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org);
    const lost = await aDeal(org, {
      pipelineId: pipeline.id,
      stageId: stage("lost"),
      companyId: company.id,
      lostReason: "Went with a competitor",
    });
    const before = intuit.books.invoices(realmId()).length;
    const refused = await draft(org, lost.id);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ path: "path.dealId", message: expect.stringMatching(/lost/) });
    const companyless = await aDeal(org, { pipelineId: pipeline.id, stageId: stage("won") });
    expect((await draft(org, companyless.id)).status).toBe(400);
    expect(intuit.books.invoices(realmId())).toHaveLength(before);
  });
});

describe("a draft invoice from a won deal in Xero", () => {
  it("is created once for the deal's company, pushed as a new contact, linked to the deal and listed on the company", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("xero");
    const company = await aCompany(org, {
      name: `Fresh Start ${org.orgId}`,
      domain: `fresh-${org.orgId.replace("_", "-")}.example`,
    });
    expect(xeroContactsNamed(company.name)).toEqual([]);
    const deal = await aWonDeal(company.id, { title: "Forty seats", value: { amount: 4800_00, currency: "USD" } });
    const first = await draft(org, deal.id);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      provider: "xero",
      status: "draft",
      total: { amount: 4800_00, currency: "USD" },
      balance: { amount: 4800_00, currency: "USD" },
      dealId: deal.id,
    });
    const again = await draft(org, deal.id);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const [contact, ...more] = xeroContactsNamed(company.name);
    expect(more).toEqual([]);
    const inXero = xeroInvoicesOf(contact?.ContactID as string);
    expect(inXero).toHaveLength(1);
    expect(inXero[0]).toMatchObject({
      InvoiceID: first.body.externalId,
      Type: "ACCREC",
      Status: "DRAFT",
      CurrencyCode: "USD",
      Total: 4800,
      LineItems: [expect.objectContaining({ Description: "Forty seats", Quantity: 1, UnitAmount: 4800 })],
    });
    expect(first.body.number).toBe(inXero[0]?.InvoiceNumber);
    expect(await invoicesOfCompany(org, company.id)).toEqual([
      expect.objectContaining({ id: first.body.id, provider: "xero", dealId: deal.id }),
    ]);
  });

  it("is not created twice when the first answer was lost: the retry's Idempotency-Key answers the first invoice", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("xero");
    const company = await aCompany(org, { name: `Twice Shy ${org.orgId}` });
    const deal = await aWonDeal(company.id);
    // Xero creates the invoice, then the CRM fails to keep its copy: the caller sees an error and tries again.
    const removeFault = injectTransactionFailures(deal.id);
    const lost = await draft(org, deal.id).finally(removeFault);
    expect(lost.status).toBe(500);
    const [contact] = xeroContactsNamed(company.name);
    expect(xeroInvoicesOf(contact?.ContactID as string)).toHaveLength(1);
    const retried = await draft(org, deal.id);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(xeroContactsNamed(company.name)).toHaveLength(1);
    const inXero = xeroInvoicesOf(contact?.ContactID as string);
    expect(inXero).toHaveLength(1);
    expect(retried.body).toMatchObject({ externalId: inXero[0]?.InvoiceID, dealId: deal.id });
    const [firstWrite, retriedWrite] = xeroInvoiceWrites().filter(
      (request) => request.idempotencyKey === xeroInvoiceWrites().at(-1)?.idempotencyKey,
    );
    expect(firstWrite).toMatchObject({ status: 200 });
    expect(firstWrite?.replayed).toBeUndefined();
    expect(retriedWrite).toMatchObject({ status: 200, replayed: true });
  });

  it("goes to the Xero contact that already has the company's name, as Xero allows only one", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("xero");
    const company = await aCompany(org, { name: `Known Already ${org.orgId}` });
    // Set up in Xero by hand, with no sales invoices yet: no sync would have matched it.
    const existing = xero.accounting.createContact(tenantId(), { name: company.name });
    const deal = await aWonDeal(company.id);
    const drafted = await draft(org, deal.id);
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(xeroContactsNamed(company.name)).toEqual([expect.objectContaining({ ContactID: existing.ContactID })]);
    expect(xeroInvoicesOf(existing.ContactID)).toEqual([
      expect.objectContaining({ InvoiceID: drafted.body.externalId }),
    ]);
  });
});

describe("drafting with both QuickBooks Online and Xero connected", () => {
  it("is refused until the caller chooses the books, and creates nothing in either", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks", "xero");
    const company = await aCompany(org, { name: `Undecided ${org.orgId}` });
    const deal = await aWonDeal(company.id);
    const before = booksContents();
    const refused = await draft(org, deal.id);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: "query.provider", message: expect.stringMatching(/both connected.*choose/i) },
    ]);
    expect(booksContents()).toEqual(before);
    expect(await invoicesOfCompany(org, company.id)).toEqual([]);
  });

  it("drafts in the books the caller names", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks", "xero");
    const company = await aCompany(org, { name: `Decided ${org.orgId}` });
    const forXero = await aWonDeal(company.id, { title: "For Xero" });
    const quickBooksInvoices = intuit.books.invoices(realmId()).length;
    const inXero = await draft(org, forXero.id, "xero");
    expect(inXero.status, JSON.stringify(inXero.body)).toBe(201);
    expect(inXero.body).toMatchObject({ provider: "xero", dealId: forXero.id });
    expect(intuit.books.invoices(realmId())).toHaveLength(quickBooksInvoices);
    const forQuickBooks = await aWonDeal(company.id, { title: "For QuickBooks" });
    const inQuickBooks = await draft(org, forQuickBooks.id, "quickbooks");
    expect(inQuickBooks.status, JSON.stringify(inQuickBooks.body)).toBe(201);
    expect(inQuickBooks.body).toMatchObject({ provider: "quickbooks", dealId: forQuickBooks.id });
    const [contact] = xeroContactsNamed(company.name);
    expect(xeroInvoicesOf(contact?.ContactID as string)).toHaveLength(1);
  });
});

it("refuses books that are not connected, naming the provider, and creates nothing", async () => {
  const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks");
  const company = await aCompany(org, { name: `Wrong Books ${org.orgId}` });
  const deal = await aWonDeal(company.id);
  const before = booksContents();
  const refused = await draft(org, deal.id, "xero");
  expect(refused.status).toBe(400);
  expect(refused.body.errors).toEqual([{ path: "query.provider", message: "No Xero organisation is connected." }]);
  expect(booksContents()).toEqual(before);
});

describe("pushing a company to the books", () => {
  const push = (org: TestOrganisation, companyId: string, provider?: Books) =>
    invoke("companies.pushToBooks", {
      token: org.admin.token,
      params: { orgId: org.orgId, companyId },
      ...(provider ? { query: { provider } } : {}),
    });

  it("makes it one customer in QuickBooks however often it is pushed, and a later draft bills that customer", async () => {
    const { org, aWonDeal } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org, {
      name: `Pushed ${org.orgId}`,
      domain: `pushed-${org.orgId.slice(4)}.example.com`,
    });
    const first = await push(org, company.id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      provider: "quickbooks",
      name: company.name,
      matchedBy: "created",
      created: true,
    });
    const again = await push(org, company.id);
    expect(again.body).toMatchObject({ externalId: first.body.externalId, created: false });
    const customers = intuit.books.customers(realmId()).filter((each) => each.DisplayName === company.name);
    expect(customers.map((each) => each.Id)).toEqual([first.body.externalId]);
    expect(customers[0]?.WebAddr?.URI).toContain(company.domain);
    const drafted = await draft(org, (await aWonDeal(company.id)).id);
    expect(drafted.status).toBe(201);
    const billed = intuit.books.invoices(realmId()).find((invoice) => invoice.Id === drafted.body.externalId);
    expect(billed?.CustomerRef.value).toBe(first.body.externalId);
  });

  it("links the QuickBooks customer that already has the company's name, as QuickBooks allows only one", async () => {
    const { org } = await anOrganisationWithBooks("quickbooks");
    const company = await aCompany(org, { name: `O'Brien & Sons ${org.orgId}` });
    const existing = intuit.books.createCustomer(realmId(), { displayName: company.name });
    const pushed = await push(org, company.id);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(pushed.body).toMatchObject({ externalId: existing.Id, matchedBy: "name", created: false });
    expect(intuit.books.customers(realmId()).filter((each) => each.DisplayName === company.name)).toHaveLength(1);
  });

  it("in Xero, becomes a contact once; a company of another organisation is a 404 and pushes nothing", async () => {
    const { org } = await anOrganisationWithBooks("xero");
    const company = await aCompany(org, { name: `Pushed Contact ${org.orgId}` });
    const first = await push(org, company.id, "xero");
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ provider: "xero", created: true });
    expect((await push(org, company.id, "xero")).body.externalId).toBe(first.body.externalId);
    expect(xeroContactsNamed(company.name)).toHaveLength(1);
    const other = await anOrganisation();
    const before = booksContents();
    expect((await push(other, company.id)).status).toBe(404);
    expect(booksContents()).toEqual(before);
  });
});
