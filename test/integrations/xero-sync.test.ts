import { SyncStateEntity, syncXero } from "@crm/core/integration";
import { demoCompanies } from "@crm/local/seed";
import { type FakeXero, startFakeXero, type XeroInvoiceJson } from "@crm/local/xero";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany } from "../support/builders";
import { linkProviderSettings, storedConnection, testXeroClient, xeroSettingsFor } from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let xero: FakeXero;
/** The one organisation every test connects: the fake keeps the Xero user's connections, and two make it pending. */
let tenantId: string;
beforeAll(async () => {
  xero = await startFakeXero({
    clients: [{ ...testXeroClient, redirectUris: ["http://127.0.0.1:9/v1/integrations/xero/callback"] }],
  });
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
  tenantId = xero.tenants()[0]?.tenantId as string;
});
afterAll(() => xero?.close());
// Every test reads the same organisation of the fake: each starts with Xero's per-minute allowance of its own.
beforeEach(() => xero.accounting.resetLimits());

/** An organisation with the demo companies (most of them customers in the fake's first organisation) and Xero connected. */
async function anOrganisationWithXero() {
  const org = await anOrganisation();
  const companies = new Map<string, string>();
  for (const company of demoCompanies) {
    const created = await aCompany(org, { name: company.name, domain: company.domain });
    companies.set(company.name, created.id);
  }
  const started = await invoke("integrations.connect", {
    token: org.admin.token,
    params: { orgId: org.orgId, provider: "xero" },
  });
  const location = await xero.consent(started.body.authorizationUrl, { tenantIds: [tenantId] });
  const callback = await invoke("integrations.callback", {
    params: { provider: "xero" },
    query: Object.fromEntries(new URL(location).searchParams),
  });
  expect(callback.status, JSON.stringify(callback.body)).toBe(200);
  expect(callback.body).toMatchObject({ status: "active" });
  return { org, companies, connectionId: callback.body.id as string };
}

const sync = async (org: TestOrganisation, connectionId: string) => syncXero(await storedConnection(org, connectionId));

type CompanyInvoicesBody = {
  data: {
    externalId: string;
    number?: string;
    status: string;
    total: { amount: number; currency: string };
    balance: { amount: number; currency: string };
    issuedOn: string;
    dueOn?: string;
    payments: { id: string; externalId: string; amount: { amount: number; currency: string }; receivedOn: string }[];
    updatedAt: string;
  }[];
  summary: {
    openBalance: { amount: number; currency: string }[];
    lifetimeRevenue: { amount: number; currency: string }[];
  };
};

async function invoicesOf(org: TestOrganisation, companyId: string): Promise<CompanyInvoicesBody> {
  const response = await invoke("companies.invoices", {
    token: org.admin.token,
    params: { orgId: org.orgId, companyId },
  });
  expect(response.status).toBe(200);
  return response.body as CompanyInvoicesBody;
}

const contactNamed = (prefix: string) => {
  const contact = xero.accounting.contacts(tenantId).find((each) => each.Name.startsWith(prefix));
  if (!contact) throw new Error(`The fake has no contact ${prefix}`);
  return contact;
};

const salesInvoicesOf = (contactId: string) =>
  xero.accounting
    .invoices(tenantId)
    .filter((invoice) => invoice.Type === "ACCREC" && invoice.Contact.ContactID === contactId);

const cents = (amount: number) => Math.round(amount * 100);
const dayOf = (xeroDate: string | undefined) =>
  xeroDate ? new Date(Number(/\d+/.exec(xeroDate)?.[0])).toISOString().slice(0, 10) : undefined;

/** What the CRM should make of a Xero invoice today. */
function expectedStatus(invoice: XeroInvoiceJson): string {
  const today = new Date().toISOString().slice(0, 10);
  if (invoice.Status === "DRAFT" || invoice.Status === "SUBMITTED") return "draft";
  if (invoice.Status === "PAID") return "paid";
  if (invoice.Status === "VOIDED" || invoice.Status === "DELETED") return "void";
  return (dayOf(invoice.DueDate) ?? today) < today && invoice.AmountDue > 0 ? "overdue" : "sent";
}

describe("syncing Xero", () => {
  it("puts each matched contact's sales invoices on its company, with totals, balances, statuses and the summary", async () => {
    const { org, companies, connectionId } = await anOrganisationWithXero();
    expect(await sync(org, connectionId)).toBe("synced");
    // Matched by website and email (Globex), by email only (Initech LLC), by name only (Wayne Renewables).
    for (const [company, contactName] of [
      ["Globex Corporation", "Globex"],
      ["Initech", "Initech"],
      ["Wayne Renewables", "Wayne"],
      ["Stark Logistics", "Stark"],
    ] as const) {
      const { data, summary } = await invoicesOf(org, companies.get(company) as string);
      const expected = salesInvoicesOf(contactNamed(contactName).ContactID);
      expect(expected.length, company).toBeGreaterThan(0);
      expect(data.map((invoice) => invoice.externalId).sort(), company).toEqual(
        expected.map((invoice) => invoice.InvoiceID).sort(),
      );
      for (const invoice of expected) {
        expect(data.find((copy) => copy.externalId === invoice.InvoiceID)).toMatchObject({
          number: invoice.InvoiceNumber,
          status: expectedStatus(invoice),
          total: { amount: cents(invoice.Total), currency: invoice.CurrencyCode },
          balance: { amount: cents(invoice.AmountDue), currency: invoice.CurrencyCode },
          issuedOn: dayOf(invoice.Date),
          dueOn: dayOf(invoice.DueDate),
        });
      }
      const owed = expected.filter((invoice) => ["sent", "overdue", "paid"].includes(expectedStatus(invoice)));
      expect(
        summary.openBalance.reduce((sum, each) => sum + each.amount, 0),
        company,
      ).toBe(owed.reduce((sum, invoice) => sum + cents(invoice.AmountDue), 0));
      expect(
        summary.lifetimeRevenue.reduce((sum, each) => sum + each.amount, 0),
        company,
      ).toBe(owed.reduce((sum, invoice) => sum + cents(invoice.Total) - cents(invoice.AmountDue), 0));
    }
    const globex = await invoicesOf(org, companies.get("Globex Corporation") as string);
    expect(globex.data.map((invoice) => invoice.status).sort()).toEqual(["overdue", "paid"]);
  });

  it("stores nothing for a contact no company matches, and reads sales invoices only", async () => {
    const { org, companies, connectionId } = await anOrganisationWithXero();
    await sync(org, connectionId);
    const stored = new Set<string>();
    for (const companyId of companies.values()) {
      for (const invoice of (await invoicesOf(org, companyId)).data) stored.add(invoice.externalId);
    }
    const bluth = contactNamed("Bluth");
    expect(salesInvoicesOf(bluth.ContactID).length).toBeGreaterThan(0);
    for (const invoice of salesInvoicesOf(bluth.ContactID)) expect(stored.has(invoice.InvoiceID)).toBe(false);
    const bills = xero.accounting.invoices(tenantId).filter((invoice) => invoice.Type === "ACCPAY");
    expect(bills.length).toBeGreaterThan(0);
    for (const bill of bills) expect(stored.has(bill.InvoiceID)).toBe(false);
    expect((await invoicesOf(org, companies.get("Cyberdyne Systems") as string)).data).toEqual([]);
  });

  it("a second run changes nothing; a later payment and a new invoice arrive with the next run", async () => {
    const { org, companies, connectionId } = await anOrganisationWithXero();
    await sync(org, connectionId);
    const globexId = companies.get("Globex Corporation") as string;
    const before = await invoicesOf(org, globexId);
    expect(await sync(org, connectionId)).toBe("synced");
    expect(await invoicesOf(org, globexId)).toEqual(before);

    const globex = contactNamed("Globex");
    const created = xero.accounting.createInvoice(tenantId, {
      contactId: globex.ContactID,
      status: "AUTHORISED",
      dueDate: Date.now() + 30 * 86_400_000,
      lineItems: [{ description: "Extra licences", quantity: 2, unitAmount: 125 }],
    });
    const open = salesInvoicesOf(globex.ContactID).find(
      (invoice) => invoice.Status === "AUTHORISED" && invoice.InvoiceID !== created.InvoiceID,
    );
    if (!open) throw new Error("Globex has no open invoice in the fake");
    xero.accounting.payInvoice(tenantId, open.InvoiceID);
    // No wait needed: the cursor is floored to whole seconds (If-Modified-Since takes no milliseconds).
    expect(await sync(org, connectionId)).toBe("synced");
    const after = await invoicesOf(org, globexId);
    expect(after.data.find((invoice) => invoice.externalId === created.InvoiceID)).toMatchObject({
      status: "sent",
      total: { amount: 25_000, currency: "USD" },
      balance: { amount: 25_000 },
    });
    const paid = after.data.find((invoice) => invoice.externalId === open.InvoiceID);
    expect(paid).toMatchObject({ status: "paid", balance: { amount: 0 } });
    const paymentsBefore = before.data.find((invoice) => invoice.externalId === open.InvoiceID)?.payments ?? [];
    expect(paid?.payments).toHaveLength(paymentsBefore.length + 1);
    expect(paid?.payments.at(-1)?.amount).toEqual({ amount: Math.round(open.AmountDue * 100), currency: "USD" });
    const audit = await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const received = (audit.body.data as { recordType: string; action: string; recordId: string }[]).filter(
      (entry) => entry.recordType === "payment" && entry.action === "received",
    );
    expect(received.map((entry) => entry.recordId)).toEqual([paid?.payments.at(-1)?.id]);
    xero.accounting.voidInvoice(tenantId, created.InvoiceID);
    await sync(org, connectionId);
    expect(
      (await invoicesOf(org, globexId)).data.find((invoice) => invoice.externalId === created.InvoiceID),
    ).toMatchObject({ status: "void", balance: { amount: 0 } });
  });

  it("a contact that becomes a company's customer later brings its invoices with the next run", async () => {
    const { org, companies, connectionId } = await anOrganisationWithXero();
    await sync(org, connectionId);
    const vandelayId = companies.get("Vandelay Industries") as string;
    expect((await invoicesOf(org, vandelayId)).data).toEqual([]);
    const contact = xero.accounting.createContact(tenantId, {
      name: `Vandelay Imports ${org.orgId}`,
      emailAddress: "accounts@vandelay.example",
    });
    await sync(org, connectionId); // read while it has no sales invoice (not yet a customer)
    const invoice = xero.accounting.createInvoice(tenantId, {
      contactId: contact.ContactID,
      status: "DRAFT",
      lineItems: [{ description: "Latex samples", unitAmount: 40 }],
    });
    await sync(org, connectionId);
    expect((await invoicesOf(org, vandelayId)).data).toEqual([
      expect.objectContaining({
        externalId: invoice.InvoiceID,
        status: "draft",
        total: { amount: 4_000, currency: "USD" },
      }),
    ]);
  });

  it("a rate limit from Xero defers the run, and the next run catches up", async () => {
    const { org, companies, connectionId } = await anOrganisationWithXero();
    xero.accounting.throttleNext(1, "minute", 1);
    expect(await sync(org, connectionId)).toBe("deferred");
    const state = await SyncStateEntity.get({ orgId: org.orgId, connectionId, resource: "xero.books" }).go({
      consistent: true,
    });
    expect(state.data).toMatchObject({ consecutiveFailures: 0, deferredUntil: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // Retry-After: 1
    expect(await sync(org, connectionId)).toBe("synced");
    expect((await invoicesOf(org, companies.get("Hooli") as string)).data.length).toBeGreaterThan(0);
  });

  it("a connection waiting for its organisation to be chosen is skipped", async () => {
    const { org, connectionId } = await anOrganisationWithXero();
    const connection = await storedConnection(org, connectionId);
    const calls = xero.accounting.requests().length;
    expect(await syncXero({ ...connection, status: "pending", accountKey: "" })).toBe("skipped");
    expect(xero.accounting.requests().length).toBe(calls);
  });

  // Last: it disconnects the organisation from the app for the rest of this file.
  it("an organisation disconnected from the app fails the run with a clear error", async () => {
    const { org, connectionId } = await anOrganisationWithXero();
    xero.identity.disconnect(tenantId);
    await expect(sync(org, connectionId)).rejects.toMatchObject({
      name: "XeroTenantUnavailableError",
      message: expect.stringContaining("AuthenticationUnsuccessful"),
    });
    const state = await SyncStateEntity.get({ orgId: org.orgId, connectionId, resource: "xero.books" }).go({
      consistent: true,
    });
    expect(state.data).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining(tenantId) });
  });
});
