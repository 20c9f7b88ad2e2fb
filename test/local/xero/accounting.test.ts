import { randomUUID } from "node:crypto";
import { demoCompanies } from "@crm/local/seed";
import { type FakeXero, parseXeroDate, startFakeXero, type XeroTenant } from "@crm/local/xero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Xero's JSON dynamically
type Json = Record<string, any>;

const app = {
  clientId: "CRMTESTWEBAPP0000000000000000001",
  clientSecret: "fake-xero-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/xero/callback"],
  name: "CRM (tests)",
};
const minute = 60_000;

let clock = Date.UTC(2026, 10, 20, 9, 0, 0);
let xero: FakeXero;
let us: XeroTenant;
let europe: XeroTenant;
let token: string;

beforeAll(async () => {
  // Limits high enough for this file; the rate-limit tests run their own fake.
  xero = await startFakeXero({ clients: [app], now: () => clock, limits: { perMinute: 10_000, perDay: 100_000 } });
  [us, europe] = xero.tenants() as [XeroTenant, XeroTenant];
  // Only the US organisation is connected: the European one must be refused.
  token = xero.identity.issueTokens({ tenantIds: [us.tenantId] }).access_token;
});
afterAll(() => xero?.close());

async function api(
  path: string,
  init: {
    method?: string;
    tenantId?: string | null;
    headers?: Record<string, string>;
    body?: unknown;
    token?: string;
  } = {},
) {
  const tenantId = init.tenantId === undefined ? us.tenantId : init.tenantId;
  const response = await fetch(`${xero.apiBaseUrl}/${path}`, {
    method: init.method ?? "GET",
    headers: {
      accept: "application/json",
      authorization: `Bearer ${init.token ?? token}`,
      ...(tenantId === null ? {} : { "xero-tenant-id": tenantId }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Json };
}

describe("the fake Xero's tenant checks", () => {
  it("answers 403 AuthenticationUnsuccessful without xero-tenant-id, as Xero's troubleshooting guide shows", async () => {
    const { status, body } = await api("Contacts", { tenantId: null });
    expect(status).toBe(403);
    expect(body).toMatchObject({ Type: null, Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful" });
    expect(body.Instance).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 403 for a tenant this token's user has not connected, and for one that is not a GUID", async () => {
    expect((await api("Contacts", { tenantId: europe.tenantId })).status).toBe(403);
    expect((await api("Contacts", { tenantId: "not-a-guid" })).status).toBe(403);
    expect((await api("Contacts", { tenantId: randomUUID() })).status).toBe(403);
  });

  it("answers 401 for a missing or forged token and for a scope the token lacks", async () => {
    const forged = await api("Contacts", { token: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" });
    expect(forged.status).toBe(401);
    expect(forged.headers.get("www-authenticate")).toContain("invalid_token");
    const contactsOnly = xero.identity.issueTokens({
      tenantIds: [us.tenantId],
      scopes: ["offline_access", "accounting.contacts.read"],
    }).access_token;
    expect((await api("Contacts", { token: contactsOnly })).status).toBe(200);
    const invoices = await api("Invoices", { token: contactsOnly });
    expect(invoices.status).toBe(401);
    expect(invoices.body.Detail).toBe("AuthorizationUnsuccessful");
  });
});

describe("the fake Xero's seeded organisations", () => {
  it("holds most demo companies as contacts, matchable by email domain, website or name", async () => {
    const { body } = await api("Contacts");
    const contacts = body.Contacts as Json[];
    expect(body).toMatchObject({ Status: "OK", ProviderName: "CRM (tests)" });
    expect(contacts[0]?.UpdatedDateUTC).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    const domainOf = (text: string | undefined) =>
      text
        ?.replace(/^https?:\/\/(www\.)?/, "")
        .split(/[/@]/)
        .at(-1);
    const matched = demoCompanies.filter((company) =>
      contacts.some(
        (contact) =>
          contact.EmailAddress?.endsWith(`@${company.domain}`) ||
          domainOf(contact.Website?.replace(/^https?:\/\/(www\.)?/, "").split("/")[0]) === company.domain ||
          contact.Name === company.name,
      ),
    );
    expect(matched.length).toBeGreaterThanOrEqual(8);
    expect(matched.length).toBeLessThan(demoCompanies.length);
    const globex = contacts.find((contact) => contact.Name === "Globex Corporation");
    expect(globex).toMatchObject({
      IsCustomer: true,
      IsSupplier: false,
      DefaultCurrency: "USD",
      ContactStatus: "ACTIVE",
    });
    expect(contacts.find((contact) => contact.Name === "Dunder Mifflin Paper")).toMatchObject({
      IsCustomer: false,
      IsSupplier: true,
    });
  });

  it("has invoices in every state, in each customer's currency, with payments that add up", async () => {
    const invoices = (await api("Invoices?page=1")).body.Invoices as Json[];
    const sales = invoices.filter((invoice) => invoice.Type === "ACCREC");
    expect(new Set(sales.map((invoice) => invoice.Status))).toEqual(
      new Set(["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED"]),
    );
    expect(new Set(sales.map((invoice) => invoice.CurrencyCode))).toEqual(new Set(["USD", "EUR", "GBP"]));
    const overdue = sales.filter(
      (invoice) => invoice.Status === "AUTHORISED" && (parseXeroDate(invoice.DueDate) ?? 0) < clock,
    );
    expect(overdue.length).toBeGreaterThanOrEqual(2);
    for (const invoice of sales) {
      expect(invoice.Total).toBeCloseTo(invoice.SubTotal + invoice.TotalTax, 2);
      if (invoice.Status === "PAID") expect(invoice).toMatchObject({ AmountDue: 0, AmountPaid: invoice.Total });
    }
    const payments = (await api("Payments")).body.Payments as Json[];
    expect(payments.length).toBeGreaterThanOrEqual(6);
    expect(payments[0]).toMatchObject({
      PaymentType: "ACCRECPAYMENT",
      Status: "AUTHORISED",
      Invoice: { InvoiceID: expect.any(String) },
    });
  });

  it("is the same on every start for the same clock", async () => {
    const again = await startFakeXero({ clients: [app], now: () => clock });
    try {
      expect(again.tenants()).toEqual(xero.tenants());
      const ids = (fake: FakeXero) => fake.accounting.invoices(us.tenantId).map((invoice) => invoice.InvoiceID);
      expect(ids(again)).toEqual(ids(xero).slice(0, ids(again).length));
    } finally {
      await again.close();
    }
  });
});

describe("the fake Xero's organisation", () => {
  it("answers GET Organisation with the tenant's base currency and country", async () => {
    const { status, body } = await api("Organisation");
    expect(status).toBe(200);
    expect(body.Organisations).toEqual([
      expect.objectContaining({
        OrganisationID: us.tenantId,
        Name: "Northwind Traders",
        BaseCurrency: "USD",
        CountryCode: "US",
      }),
    ]);
  });
});

describe("the fake Xero's lists", () => {
  it("pages 100 at a time with pagination metadata, and omits line items from the unpaged invoice list", async () => {
    for (let index = 0; index < 105; index += 1) {
      xero.accounting.createContact(us.tenantId, { name: `Paging Customer ${String(index).padStart(3, "0")}` });
    }
    const first = await api("Contacts?page=1");
    const second = await api("Contacts?page=2");
    expect(first.body.Contacts).toHaveLength(100);
    expect(first.body.pagination).toMatchObject({ page: 1, pageSize: 100, pageCount: 2 });
    const total = first.body.pagination.itemCount;
    expect(second.body.Contacts).toHaveLength(total - 100);
    const seen = [...first.body.Contacts, ...second.body.Contacts].map((contact: Json) => contact.ContactID);
    expect(new Set(seen).size).toBe(total);
    expect((await api("Contacts?page=3")).body.Contacts).toEqual([]);

    const unpaged = (await api("Invoices")).body;
    expect(unpaged.pagination).toBeUndefined();
    expect(unpaged.Invoices[0].LineItems).toBeUndefined();
    expect((await api("Invoices?page=1")).body.Invoices[0].LineItems.length).toBeGreaterThan(0);
  });

  it("returns only records changed since If-Modified-Since, an update included", async () => {
    clock += 10 * minute;
    const since = new Date(clock).toUTCString();
    const invoice = xero.accounting.invoices(us.tenantId).find((candidate) => candidate.Status === "AUTHORISED");
    const paid = xero.accounting.payInvoice(us.tenantId, invoice?.InvoiceID as string, { amount: 10 });
    const contact = xero.accounting.updateContact(
      us.tenantId,
      xero.accounting.contacts(us.tenantId)[0]?.ContactID as string,
      {
        emailAddress: "new-billing@globex.example",
      },
    );
    const invoices = await api("Invoices", { headers: { "If-Modified-Since": since } });
    expect(invoices.body.Invoices.map((changed: Json) => changed.InvoiceID)).toEqual([invoice?.InvoiceID]);
    expect(invoices.body.Invoices[0].AmountPaid).toBeGreaterThanOrEqual(10);
    const contacts = await api("Contacts", { headers: { "If-Modified-Since": new Date(clock).toISOString() } });
    expect(contacts.body.Contacts.map((changed: Json) => changed.ContactID)).toEqual([contact.ContactID]);
    const payments = await api("Payments", { headers: { "If-Modified-Since": since } });
    expect(payments.body.Payments.map((changed: Json) => changed.PaymentID)).toEqual([paid.PaymentID]);
    // A zone-less ISO date means UTC, as Xero reads it.
    const zoneless = await api("Contacts", {
      headers: { "If-Modified-Since": new Date(clock + 1000).toISOString().slice(0, 19) },
    });
    expect(zoneless.body.Contacts).toEqual([]);
  });

  it("filters invoices by Statuses, IDs and a where clause, and reads one by id or number", async () => {
    const drafts = (await api("Invoices?Statuses=DRAFT,SUBMITTED")).body.Invoices as Json[];
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((invoice) => ["DRAFT", "SUBMITTED"].includes(invoice.Status))).toBe(true);
    const where = encodeURIComponent('Type=="ACCREC" AND Status=="PAID"');
    const paid = (await api(`Invoices?where=${where}`)).body.Invoices as Json[];
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.every((invoice) => invoice.Type === "ACCREC" && invoice.Status === "PAID")).toBe(true);
    const target = paid[0] as Json;
    const byId = await api(`Invoices/${target.InvoiceID}`);
    expect(byId.body.Invoices).toHaveLength(1);
    expect(byId.body.Invoices[0].LineItems.length).toBeGreaterThan(0);
    expect((await api(`Invoices/${target.InvoiceNumber}`)).body.Invoices[0].InvoiceID).toBe(target.InvoiceID);
    const contactWhere = encodeURIComponent(`Contact.ContactID==Guid("${target.Contact.ContactID}")`);
    const ofContact = (await api(`Invoices?where=${contactWhere}`)).body.Invoices as Json[];
    expect(ofContact.every((invoice) => invoice.Contact.ContactID === target.Contact.ContactID)).toBe(true);
    const broken = await api(`Invoices?where=${encodeURIComponent("Status = PAID")}`);
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ ErrorNumber: 16, Type: "QueryParseException" });
  });
});

describe("the fake Xero's writes", () => {
  const draftFor = (contactId: string, reference = "Deal 42") => ({
    Invoices: [
      {
        Type: "ACCREC",
        Status: "DRAFT",
        Contact: { ContactID: contactId },
        Reference: reference,
        LineAmountTypes: "Exclusive",
        LineItems: [{ Description: "Fleet telematics rollout", Quantity: 2, UnitAmount: 1250.5, AccountCode: "200" }],
      },
    ],
  });

  it("creates a draft sales invoice with Xero's numbering and totals", async () => {
    const contactId = xero.accounting.contacts(us.tenantId)[0]?.ContactID as string;
    const { status, body } = await api("Invoices", { method: "PUT", body: draftFor(contactId) });
    expect(status).toBe(200);
    const [invoice] = body.Invoices as Json[];
    expect(invoice).toMatchObject({
      Type: "ACCREC",
      Status: "DRAFT",
      InvoiceNumber: expect.stringMatching(/^INV-\d{4}$/),
      Contact: { ContactID: contactId },
      CurrencyCode: "USD",
      SubTotal: 2501,
      Total: 2501,
      AmountDue: 2501,
      AmountPaid: 0,
    });
    expect(invoice?.InvoiceID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers the first result again for the same Idempotency-Key instead of creating a second invoice", async () => {
    const contactId = xero.accounting.contacts(us.tenantId)[1]?.ContactID as string;
    const count = () => xero.accounting.invoices(us.tenantId).length;
    const before = count();
    const key = `deal-won-${randomUUID()}`;
    const first = await api("Invoices", {
      method: "PUT",
      body: draftFor(contactId, "Deal 7"),
      headers: { "Idempotency-Key": key },
    });
    const second = await api("Invoices", {
      method: "PUT",
      body: draftFor(contactId, "Deal 7"),
      headers: { "Idempotency-Key": key },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.Invoices[0].InvoiceID).toBe(first.body.Invoices[0].InvoiceID);
    expect(count()).toBe(before + 1);
    const different = await api("Invoices", {
      method: "PUT",
      body: draftFor(contactId, "Deal 8"),
      headers: { "Idempotency-Key": key },
    });
    expect(different.status).toBe(400);
    expect(count()).toBe(before + 1);
    const tooLong = await api("Invoices", {
      method: "PUT",
      body: draftFor(contactId),
      headers: { "Idempotency-Key": "k".repeat(129) },
    });
    expect(tooLong.status).toBe(400);
    // Past the time Xero keeps a key, the same key creates again.
    clock += 7 * minute;
    const afterTtl = await api("Invoices", {
      method: "PUT",
      body: draftFor(contactId, "Deal 7"),
      headers: { "Idempotency-Key": key },
    });
    expect(afterTtl.body.Invoices[0].InvoiceID).not.toBe(first.body.Invoices[0].InvoiceID);
  });

  it("creates one invoice when a retry with the same Idempotency-Key arrives while the first is still running", async () => {
    const contactId = xero.accounting.contacts(us.tenantId)[3]?.ContactID as string;
    const before = xero.accounting.invoices(us.tenantId).length;
    const headers = { "Idempotency-Key": `deal-won-${randomUUID()}` };
    xero.accounting.delayResponses(200);
    try {
      const [first, retry] = await Promise.all([
        api("Invoices", { method: "PUT", body: draftFor(contactId, "Deal 9"), headers }),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          api("Invoices", { method: "PUT", body: draftFor(contactId, "Deal 9"), headers }),
        ),
      ]);
      expect(retry.body.Invoices[0].InvoiceID).toBe(first.body.Invoices[0].InvoiceID);
    } finally {
      xero.accounting.delayResponses(0);
    }
    expect(xero.accounting.invoices(us.tenantId)).toHaveLength(before + 1);
  });

  it("answers Xero's error bodies: ValidationException with Elements, PostDataInvalidException, ObjectNotFoundException", async () => {
    const duplicate = await api("Contacts", { method: "PUT", body: { Contacts: [{ Name: "Globex Corporation" }] } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({
      ErrorNumber: 10,
      Type: "ValidationException",
      Message: "A validation exception occurred",
      Elements: [
        { Name: "Globex Corporation", ValidationErrors: [{ Message: expect.stringContaining("already assigned") }] },
      ],
    });
    const badEmail = await api("Contacts", { method: "POST", body: { Name: "Fresh Prospect", EmailAddress: "nope" } });
    expect(badEmail.body.Elements[0].ValidationErrors).toEqual([{ Message: "Email address must be valid." }]);
    const notJson = await api("Invoices", { method: "PUT", body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ ErrorNumber: 14, Type: "PostDataInvalidException" });
    const missing = await api(`Invoices/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ErrorNumber: 17, Type: "ObjectNotFoundException" });
  });

  it("refuses a whole batch when one element is invalid, and reports per element with summarizeErrors=false", async () => {
    const before = xero.accounting.contacts(us.tenantId).length;
    const batch = { Contacts: [{ Name: "Batch Customer One" }, { Name: "Initech LLC" }] };
    expect((await api("Contacts", { method: "PUT", body: batch })).status).toBe(400);
    expect(xero.accounting.contacts(us.tenantId)).toHaveLength(before);
    const perElement = await api("Contacts?summarizeErrors=false", { method: "PUT", body: batch });
    expect(perElement.status).toBe(200);
    expect(perElement.body.Contacts.map((contact: Json) => Boolean(contact.HasValidationErrors))).toEqual([
      false,
      true,
    ]);
    expect(xero.accounting.contacts(us.tenantId)).toHaveLength(before + 1);
  });

  it("moves an invoice through Xero's states with the controls, each change bumping UpdatedDateUTC", async () => {
    const contactId = xero.accounting.contacts(us.tenantId)[2]?.ContactID as string;
    const draft = xero.accounting.createInvoice(us.tenantId, {
      contactId,
      lineItems: [{ description: "Onboarding package", unitAmount: 3200 }],
    });
    clock += 1000;
    const authorised = xero.accounting.authoriseInvoice(us.tenantId, draft.InvoiceID);
    expect(authorised.Status).toBe("AUTHORISED");
    expect(parseXeroDate(authorised.UpdatedDateUTC)).toBeGreaterThan(parseXeroDate(draft.UpdatedDateUTC) as number);
    xero.accounting.payInvoice(us.tenantId, draft.InvoiceID, { amount: 1200 });
    expect(() => xero.accounting.voidInvoice(us.tenantId, draft.InvoiceID)).toThrow(/payments applied/);
    xero.accounting.payInvoice(us.tenantId, draft.InvoiceID);
    const paid = xero.accounting.invoices(us.tenantId).find((invoice) => invoice.InvoiceID === draft.InvoiceID);
    expect(paid).toMatchObject({ Status: "PAID", AmountDue: 0, AmountPaid: 3200 });
    const other = xero.accounting.createInvoice(us.tenantId, {
      contactId,
      status: "AUTHORISED",
      dueDate: clock + 30 * 24 * 60 * minute,
      lineItems: [{ description: "Analytics add-on", quantity: 3, unitAmount: 500 }],
    });
    expect(xero.accounting.voidInvoice(us.tenantId, other.InvoiceID)).toMatchObject({ Status: "VOIDED", AmountDue: 0 });
  });
});

describe("the fake Xero's rate limits", () => {
  let limited: FakeXero;
  let limitedClock = Date.UTC(2026, 10, 20, 9, 0, 0);
  let limitedToken: string;
  let tenantId: string;
  beforeAll(async () => {
    limited = await startFakeXero({
      clients: [app],
      now: () => limitedClock,
      limits: { perMinute: 60, perDay: 100, concurrent: 5 },
    });
    tenantId = limited.tenants()[0]?.tenantId as string;
    limitedToken = limited.identity.issueTokens({ tenantIds: [tenantId] }).access_token;
  });
  afterAll(() => limited?.close());

  let issuedAt = limitedClock;
  /** One API call with a live access token (the tests move the clock past the 30 minutes tokens last). */
  const call = (path = "Contacts?page=1") => {
    if (limitedClock - issuedAt > 20 * minute) {
      limitedToken = limited.identity.issueTokens({ tenantIds: [tenantId] }).access_token;
      issuedAt = limitedClock;
    }
    return fetch(`${limited.apiBaseUrl}/${path}`, {
      headers: { authorization: `Bearer ${limitedToken}`, "xero-tenant-id": tenantId },
    });
  };

  it("sends the remaining-limit headers on every response", async () => {
    const first = await call();
    expect(first.headers.get("x-minlimit-remaining")).toBe("59");
    expect(first.headers.get("x-daylimit-remaining")).toBe("99");
    expect(first.headers.get("x-appminlimit-remaining")).toBe("9999");
    const missing = await call("Invoices/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-minlimit-remaining")).toBe("58");
  });

  it("answers 429 with Retry-After and X-Rate-Limit-Problem: minute past 60 calls a minute", async () => {
    limited.accounting.resetLimits();
    const statuses: number[] = [];
    for (let index = 0; index < 60; index += 1) {
      limitedClock += 100;
      statuses.push((await call()).status);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-rate-limit-problem")).toBe("minute");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    limitedClock += retryAfter * 1000;
    expect((await call()).status).toBe(200);
  });

  it("answers 429 day once the daily cap is spent, with a Retry-After of hours", async () => {
    limited.accounting.resetLimits();
    for (let index = 0; index < 100; index += 1) {
      limitedClock += 2 * minute;
      expect((await call()).status).toBe(200);
    }
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-rate-limit-problem")).toBe("day");
    expect(refused.headers.get("x-daylimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3600);
  });

  it("answers 429 concurrent for the sixth call in flight", async () => {
    limited.accounting.resetLimits();
    limited.accounting.delayResponses(300);
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => call()));
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = answers.find((answer) => answer.status === 429);
      expect(refused?.headers.get("x-rate-limit-problem")).toBe("concurrent");
    } finally {
      limited.accounting.delayResponses(0);
    }
  });

  it("throttles on demand", async () => {
    limited.accounting.resetLimits();
    limited.accounting.throttleNext(1, "minute", 7);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("7");
    expect((await call()).status).toBe(200);
    expect(
      limited.accounting.requests().filter((request) => request.rateLimitProblem === "minute").length,
    ).toBeGreaterThan(0);
  });
});
