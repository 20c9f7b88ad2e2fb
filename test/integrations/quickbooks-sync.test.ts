import { syncQuickBooks } from "@crm/core/integration";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { demoCompanies } from "@crm/local/seed";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany } from "../support/builders";
import { intuitSettingsFor, linkProviderSettings, storedConnection, testIntuitClient } from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

let intuit: FakeIntuit;
beforeAll(async () => {
  intuit = await startFakeIntuit({
    clients: [{ ...testIntuitClient, redirectUris: ["http://127.0.0.1:9/v1/integrations/quickbooks/callback"] }],
  });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
});
afterAll(() => intuit?.close());
// Every test syncs the same QuickBooks company: each starts with Intuit's per-second allowance of its own.
beforeEach(() => intuit.books.resetLimits());

/** An organisation with the demo companies (the fake's first company bills most of them) and its books connected. */
async function anOrganisationWithBooks() {
  const org = await anOrganisation();
  const companies = new Map<string, string>();
  for (const company of demoCompanies) {
    const created = await aCompany(org, { name: company.name, domain: company.domain });
    companies.set(company.name, created.id);
  }
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
  expect(callback.status).toBe(200);
  return { org, realmId: realm.realmId, companies, connectionId: callback.body.id as string };
}

const sync = async (org: TestOrganisation, connectionId: string) =>
  syncQuickBooks(await storedConnection(org, connectionId));

async function invoicesOf(org: TestOrganisation, companyId: string) {
  const response = await invoke("companies.invoices", {
    token: org.admin.token,
    params: { orgId: org.orgId, companyId },
  });
  expect(response.status).toBe(200);
  return response.body as {
    data: {
      externalId: string;
      status: string;
      total: { amount: number };
      balance: { amount: number };
      payments: { id: string; externalId: string; amount: { amount: number }; receivedOn: string }[];
    }[];
    summary: { openBalance: { amount: number; currency: string }[]; lifetimeRevenue: { amount: number }[] };
  };
}

describe("syncing QuickBooks Online", () => {
  it("puts each matched customer's invoices on its company, with the open balance and lifetime revenue", async () => {
    const { org, realmId, companies, connectionId } = await anOrganisationWithBooks();
    expect(await sync(org, connectionId)).toBe("synced");
    const globexId = companies.get("Globex Corporation") as string;
    const { data, summary } = await invoicesOf(org, globexId);
    const customer = intuit.books.customers(realmId).find((each) => each.DisplayName.startsWith("Globex"));
    const expected = intuit.books.invoices(realmId).filter((invoice) => invoice.CustomerRef.value === customer?.Id);
    expect(data.map((invoice) => invoice.externalId).sort()).toEqual(expected.map((invoice) => invoice.Id).sort());
    for (const invoice of data) expect(["draft", "sent", "paid", "overdue", "void"]).toContain(invoice.status);
    const open = data
      .filter((invoice) => invoice.status === "sent" || invoice.status === "overdue" || invoice.status === "paid")
      .reduce((sum, invoice) => sum + invoice.balance.amount, 0);
    expect(summary.openBalance.reduce((sum, each) => sum + each.amount, 0)).toBe(open);
  });

  it("shows what paid each invoice: its payments, dated, adding up to what is no longer owed", async () => {
    const { org, realmId, companies, connectionId } = await anOrganisationWithBooks();
    await sync(org, connectionId);
    const payments = intuit.books.payments(realmId);
    let shown = 0;
    for (const companyId of companies.values()) {
      for (const invoice of (await invoicesOf(org, companyId)).data) {
        if (invoice.status === "void") continue;
        const paid = invoice.payments.reduce((sum, payment) => sum + payment.amount.amount, 0);
        expect(paid).toBe(invoice.total.amount - invoice.balance.amount);
        for (const payment of invoice.payments) {
          expect(payments.find((each) => each.Id === payment.externalId)?.TxnDate).toBe(payment.receivedOn);
          shown++;
        }
      }
    }
    expect(shown).toBeGreaterThan(0);
  });

  it("matches a customer by domain when its name differs, and stores nothing for a customer no company matches", async () => {
    const { org, realmId, companies, connectionId } = await anOrganisationWithBooks();
    await sync(org, connectionId);
    const hooli = await invoicesOf(org, companies.get("Hooli") as string);
    expect(hooli.data.length).toBeGreaterThan(0);
    const cyberdyne = await invoicesOf(org, companies.get("Cyberdyne Systems") as string);
    expect(cyberdyne.data).toEqual([]);
    expect(intuit.books.customers(realmId).some((each) => each.DisplayName.includes("Prestige"))).toBe(true);
  });

  it("later runs read Change Data Capture: a deleted invoice, which no query returns, shows void; a deleted payment leaves its invoice", async () => {
    const { org, realmId, companies, connectionId } = await anOrganisationWithBooks();
    await sync(org, connectionId);
    const globexId = companies.get("Globex Corporation") as string;
    const before = await invoicesOf(org, globexId);
    const open = before.data.find((invoice) => invoice.status === "sent" || invoice.status === "overdue");
    const paid = before.data.find((invoice) => invoice.status === "paid" && invoice.payments.length > 0);
    if (!open || !paid) throw new Error("Globex needs an open and a paid invoice in the fake");
    intuit.books.deleteInvoice(realmId, open.externalId);
    const payment = paid.payments[0] as { externalId: string; amount: { amount: number } };
    intuit.books.deletePayment(realmId, payment.externalId);
    const asked = intuit.books.requests().length;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // QuickBooks' change times have whole seconds
    expect(await sync(org, connectionId)).toBe("synced");
    expect(
      intuit.books
        .requests()
        .slice(asked)
        .map((request) => request.operation),
    ).toEqual(["cdc"]);
    const after = await invoicesOf(org, globexId);
    expect(after.data.find((invoice) => invoice.externalId === open.externalId)).toMatchObject({
      status: "void",
      balance: { amount: 0 },
    });
    const unpaid = after.data.find((invoice) => invoice.externalId === paid.externalId);
    expect(unpaid?.payments.map((each) => each.externalId)).not.toContain(payment.externalId);
    expect(unpaid?.balance.amount).toBe(paid.balance.amount + payment.amount.amount);
    expect(unpaid?.status).not.toBe("paid");
  });

  it("with importing turned on, each customer no company matches becomes one company, with its invoices", async () => {
    const { org, realmId, connectionId } = await anOrganisationWithBooks();
    const turnedOn = await invoke("integrations.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
      body: { importUnmatchedCustomers: true },
    });
    expect(turnedOn.status, JSON.stringify(turnedOn.body)).toBe(200);
    expect(turnedOn.body.settings).toEqual({ importUnmatchedCustomers: true });
    // Two syncs at once (a webhook's and the poll's) import each customer once.
    expect(await Promise.all([sync(org, connectionId), sync(org, connectionId)])).toEqual(["synced", "synced"]);
    const listed = await invoke("companies.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { limit: "100" },
    });
    const names = (listed.body.data as { id: string; name: string }[]).map((company) => company.name);
    const customers = intuit.books.customers(realmId).filter((customer) => customer.Active !== false);
    const prestige = customers.find((customer) => customer.DisplayName.includes("Prestige"));
    expect(prestige).toBeDefined();
    expect(names.filter((name) => name === prestige?.DisplayName)).toHaveLength(1);
    // Matched customers made no second company.
    expect(new Set(names).size).toBe(names.length);
    const imported = (listed.body.data as { id: string; name: string }[]).find(
      (company) => company.name === prestige?.DisplayName,
    );
    const { data } = await invoicesOf(org, imported?.id as string);
    expect(data.length).toBe(
      intuit.books.invoices(realmId).filter((invoice) => invoice.CustomerRef.value === prestige?.Id).length,
    );
    expect(data.length).toBeGreaterThan(0);
  });

  it("a second run changes nothing; a later payment and a new invoice arrive with the next run", async () => {
    const { org, realmId, companies, connectionId } = await anOrganisationWithBooks();
    await sync(org, connectionId);
    const globexId = companies.get("Globex Corporation") as string;
    const before = await invoicesOf(org, globexId);
    await sync(org, connectionId);
    expect(await invoicesOf(org, globexId)).toEqual(before);
    const customer = intuit.books.customers(realmId).find((each) => each.DisplayName.startsWith("Globex"));
    const created = intuit.books.createInvoice(realmId, {
      customerId: customer?.Id as string,
      lines: [{ description: "Extra licences", quantity: 2, unitPriceCents: 12_500 }],
      status: "sent",
    });
    const open = before.data.find((invoice) => invoice.status === "sent" || invoice.status === "overdue");
    if (open) intuit.books.payInvoice(realmId, open.externalId);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // QuickBooks' change times have whole seconds
    expect(await sync(org, connectionId)).toBe("synced");
    const after = await invoicesOf(org, globexId);
    expect(after.data.find((invoice) => invoice.externalId === created.Id)).toMatchObject({
      status: "sent",
      total: { amount: 25_000 },
    });
    expect(open).toBeDefined();
    const paid = after.data.find((invoice) => invoice.externalId === open?.externalId);
    expect(paid?.status).toBe("paid");
    expect(paid?.payments.length).toBe((open?.payments.length ?? 0) + 1);
    expect(paid?.payments.at(-1)?.amount.amount).toBe(open?.balance.amount);
    // Each is a domain event (through its audit entry): webhooks, live updates and rules can react to them.
    const audit = await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const events = (audit.body.data as { recordType: string; action: string }[]).map(
      (entry) => `${entry.recordType}.${entry.action}`,
    );
    expect(events).toContain("invoice.created");
    expect(events.filter((event) => event === "invoice.paid")).toHaveLength(1);
    expect(events.filter((event) => event === "payment.received")).toHaveLength(1);
  });
});
