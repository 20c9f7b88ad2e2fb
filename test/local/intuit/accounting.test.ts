import { demoRealmIds, type FakeIntuit, type FakeIntuitOptions, startFakeIntuit } from "@crm/local/intuit";
import { demoCompanies } from "@crm/local/seed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect QBO's JSON dynamically
type Json = Record<string, any>;

const client = {
  clientId: "ABcrmTestClientId0123456789",
  clientSecret: "fake-intuit-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/quickbooks/callback"],
};
const realmId = demoRealmIds.northwind;
const day = 24 * 3600_000;

let clock = Date.UTC(2026, 10, 19, 17, 0, 0);
const now = () => clock;

type Call = { method?: string; body?: unknown; token?: string; accept?: string; contentType?: string; realm?: string };

/** An Accounting API call as the CRM makes it: bearer token, `Accept: application/json`, minorversion=75. */
async function qbo(fake: FakeIntuit, token: string, path: string, call: Call = {}) {
  const url = new URL(`/v3/company/${call.realm ?? realmId}/${path}`, fake.url);
  if (!url.searchParams.has("minorversion")) url.searchParams.set("minorversion", "75");
  const response = await fetch(url, {
    method: call.method ?? (call.body === undefined ? "GET" : "POST"),
    headers: {
      authorization: `Bearer ${call.token ?? token}`,
      accept: call.accept ?? "application/json",
      ...(call.body === undefined ? {} : { "content-type": call.contentType ?? "application/json" }),
    },
    body: call.body === undefined ? undefined : typeof call.body === "string" ? call.body : JSON.stringify(call.body),
  });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("json");
  return { status: response.status, headers: response.headers, text, body: (isJson ? JSON.parse(text) : {}) as Json };
}

const query = (fake: FakeIntuit, token: string, statement: string) =>
  qbo(fake, token, `query?query=${encodeURIComponent(statement)}`);

function useFake(options: Partial<FakeIntuitOptions> = {}) {
  const holder = {} as { fake: FakeIntuit; token: string };
  beforeAll(async () => {
    holder.fake = await startFakeIntuit({
      clients: [client],
      now,
      throttle: { requestsPerSecond: Number.POSITIVE_INFINITY },
      ...options,
    });
    holder.token = holder.fake.oauth.issueTokens({ realmId }).access_token;
  });
  afterAll(() => holder.fake?.close());
  return holder;
}

const invoiceBody = (customerId: string, extra: Json = {}) => ({
  CustomerRef: { value: customerId },
  Line: [
    {
      Amount: 59.97,
      DetailType: "SalesItemLineDetail",
      Description: "Courier, per parcel",
      SalesItemLineDetail: { ItemRef: { value: "3" }, Qty: 3, UnitPrice: 19.99 },
    },
  ],
  ...extra,
});

describe("the fake QuickBooks Online books and entity reads", () => {
  const context = useFake();

  it("seeds the demo companies as customers that match the CRM's by name, website or email domain", () => {
    const customers = context.fake.books.customers(realmId);
    for (const company of demoCompanies.filter((c) => c.name !== "Cyberdyne Systems")) {
      const customer = customers.find(
        (candidate) =>
          candidate.CompanyName === company.name ||
          candidate.WebAddr?.URI.includes(company.domain) ||
          candidate.PrimaryEmailAddr?.Address.endsWith(`@${company.domain}`),
      );
      expect(customer, company.name).toBeDefined();
      const currency = company.country === "GB" ? "GBP" : company.country === "US" ? "USD" : "EUR";
      expect(customer?.CurrencyRef.value).toBe(currency);
    }
    expect(customers.find((customer) => customer.DisplayName === "Hooli Inc.")?.WebAddr?.URI).toBe(
      "https://www.hooli.example",
    );
    expect(customers.some((customer) => customer.CompanyName === "Cyberdyne Systems")).toBe(false);
    expect(customers.find((customer) => customer.DisplayName === "Dunder Mifflin")?.Active).toBe(false);
  });

  it("seeds invoices in a mix of states with cent-exact amounts, and payments linked to them", () => {
    const { books } = context.fake;
    const invoices = books.invoices(realmId);
    const today = new Date(clock).toISOString().slice(0, 10);
    const paid = invoices.filter((invoice) => invoice.TotalAmt > 0 && invoice.Balance === 0);
    const overdue = invoices.filter((invoice) => invoice.Balance > 0 && invoice.DueDate < today);
    const drafts = invoices.filter((invoice) => invoice.EmailStatus === "NeedToSend");
    const voided = invoices.filter((invoice) => invoice.PrivateNote === "Voided");
    const partly = invoices.filter((invoice) => invoice.Balance > 0 && invoice.Balance < invoice.TotalAmt);
    for (const group of [paid, overdue, drafts, voided, partly]) expect(group.length).toBeGreaterThan(0);
    expect(voided.every((invoice) => invoice.TotalAmt === 0 && invoice.Balance === 0)).toBe(true);
    for (const invoice of invoices) {
      const lines = invoice.Line.filter((line) => line.DetailType === "SalesItemLineDetail");
      const cents = lines.reduce((sum, line) => sum + Math.round(line.Amount * 100), 0);
      expect(Math.round(invoice.TotalAmt * 100)).toBe(cents);
      expect(String(invoice.TotalAmt)).toMatch(/^\d+(\.\d{1,2})?$/);
    }
    const payments = books.payments(realmId);
    expect(payments.length).toBe(paid.length + partly.length);
    for (const payment of payments) {
      const invoice = invoices.find((candidate) => candidate.Id === payment.Line[0]?.LinkedTxn[0]?.TxnId);
      expect(invoice?.LinkedTxn).toContainEqual({ TxnId: payment.Id, TxnType: "Payment" });
    }
  });

  it("reads a customer, an invoice and a payment by id in QBO's JSON, serving minorversion 75 at least", async () => {
    const { fake, token } = context;
    const [customer] = fake.books.customers(realmId);
    const read = await qbo(fake, token, `customer/${customer?.Id}?minorversion=4`);
    expect(read.status).toBe(200);
    expect(read.headers.get("intuit_tid")).toBeTruthy();
    expect(read.body.Customer).toEqual(customer);
    expect(read.body.Customer.MetaData.LastUpdatedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/);
    expect(read.body.time).toMatch(/\.\d{3}-0[78]:00$/);
    expect(fake.books.requests().at(-1)).toMatchObject({ requestedMinorVersion: "4", minorVersion: 75 });

    const [payment] = fake.books.payments(realmId);
    const paymentRead = await qbo(fake, token, `payment/${payment?.Id}`);
    expect(paymentRead.body.Payment).toMatchObject({
      Id: payment?.Id,
      TotalAmt: payment?.TotalAmt,
      Line: [{ LinkedTxn: [{ TxnType: "Invoice" }] }],
    });
    const invoiceId = payment?.Line[0]?.LinkedTxn[0]?.TxnId;
    const invoice = await qbo(fake, token, `invoice/${invoiceId}`);
    expect(invoice.body.Invoice).toMatchObject({ Id: invoiceId, CustomerRef: { value: payment?.CustomerRef.value } });
  });

  it("answers 400 with a 610 Object Not Found Fault for an unknown id", async () => {
    const { fake, token } = context;
    const missing = await qbo(fake, token, "invoice/99999");
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      Fault: {
        Error: [
          {
            Message: "Object Not Found",
            Detail: expect.stringContaining("Object Not Found"),
            code: "610",
            element: "",
          },
        ],
        type: "ValidationFault",
      },
      time: expect.any(String),
    });
  });

  it("answers XML, as QBO does, unless the request accepts JSON", async () => {
    const { fake, token } = context;
    const xml = await qbo(fake, token, `companyinfo/${realmId}`, { accept: "*/*" });
    expect(xml.headers.get("content-type")).toContain("application/xml");
    expect(xml.text).toContain('<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"');
    expect(xml.text).toContain("<CompanyName>Northwind Traders</CompanyName>");
  });

  it("refuses a missing or expired token with 401 in Intuit's gateway envelope, another company with 403", async () => {
    const { fake, token } = context;
    const unauthenticated = await qbo(fake, token, `companyinfo/${realmId}`, { token: "not-a-token" });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("www-authenticate")).toContain("Bearer");
    expect(unauthenticated.body.fault).toEqual({
      error: [
        {
          message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
          detail: null,
          code: "3200",
          element: null,
        },
      ],
      type: "AUTHENTICATION",
    });
    const otherCompany = await qbo(fake, token, "companyinfo/x", { realm: demoRealmIds.northwindEurope });
    expect(otherCompany.status).toBe(403);
    expect(otherCompany.body.fault.error[0].code).toBe("3100");
  });
});

describe("the fake QuickBooks Online query language", () => {
  const context = useFake();

  it("pages `select * from Customer` with startposition and maxresults, active customers only", async () => {
    const { fake, token } = context;
    const active = fake.books.customers(realmId).filter((customer) => customer.Active);
    const first = await query(fake, token, "select * from Customer startposition 1 maxresults 4");
    expect(first.status).toBe(200);
    expect(first.body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 4 });
    expect(first.body.QueryResponse.Customer).toHaveLength(4);
    const ids: string[] = [];
    for (let start = 1; ; start += 4) {
      const page = await query(fake, token, `SELECT * FROM Customer STARTPOSITION ${start} MAXRESULTS 4`);
      const customers = page.body.QueryResponse.Customer ?? [];
      ids.push(...customers.map((customer: Json) => customer.Id));
      if (customers.length < 4) break;
    }
    expect(ids).toEqual(active.map((customer) => customer.Id));
    const everyone = await query(fake, token, "select * from Customer where Active in (true, false)");
    expect(everyone.body.QueryResponse.Customer).toHaveLength(fake.books.customers(realmId).length);
  });

  it("leaves QueryResponse empty when nothing matches, caps maxresults at 1000 and counts with count(*)", async () => {
    const { fake, token } = context;
    const none = await query(fake, token, "select * from Customer where DisplayName = 'Nobody'");
    expect(none.body).toEqual({ QueryResponse: {}, time: expect.any(String) });
    const big = await query(fake, token, "select * from Invoice maxresults 5000");
    expect(big.status).toBe(200);
    expect(big.body.QueryResponse.maxResults).toBe(fake.books.invoices(realmId).length);
    const count = await query(fake, token, "select count(*) from Invoice");
    expect(count.body.QueryResponse).toEqual({ totalCount: fake.books.invoices(realmId).length });
  });

  it("filters by Metadata.LastUpdatedTime, names with LIKE and quotes, and orders", async () => {
    const { fake, token } = context;
    const since = new Date(clock - 5 * day).toISOString();
    const recent = await query(fake, token, `select * from Invoice where Metadata.LastUpdatedTime > '${since}'`);
    const expected = fake.books
      .invoices(realmId)
      .filter((invoice) => Date.parse(invoice.MetaData.LastUpdatedTime) > Date.parse(since));
    expect(expected.length).toBeGreaterThan(0);
    expect(recent.body.QueryResponse.Invoice.map((invoice: Json) => invoice.Id)).toEqual(expected.map((i) => i.Id));
    const like = await query(fake, token, "select Id, DisplayName from Customer where DisplayName like '%Corp%'");
    expect(like.body.QueryResponse.Customer).toEqual([
      { domain: "QBO", sparse: true, Id: expect.any(String), DisplayName: "Globex Corporation" },
    ]);
    fake.books.createCustomer(realmId, { displayName: "O'Reilly Freight" });
    const quoted = await query(fake, token, "select * from Customer where DisplayName = 'O\\'Reilly Freight'");
    expect(quoted.body.QueryResponse.Customer).toHaveLength(1);
    const ordered = await query(fake, token, "select * from Invoice orderby TotalAmt desc maxresults 3");
    const totals = ordered.body.QueryResponse.Invoice.map((invoice: Json) => invoice.TotalAmt);
    expect(totals).toEqual([...totals].sort((a: number, b: number) => b - a));
  });

  it("answers a QueryParserError (4000) or a QueryValidationError (4001) Fault for bad queries", async () => {
    const { fake, token } = context;
    const parse = await query(fake, token, "select * form Customer");
    expect(parse.status).toBe(400);
    expect(parse.body.Fault.Error[0]).toMatchObject({ code: "4000", Message: "Error parsing query" });
    const unknownEntity = await query(fake, token, "select * from Unicorn");
    expect(unknownEntity.body.Fault.Error[0].code).toBe("4001");
    const unknownField = await query(fake, token, "select * from Customer where Shoe = 'x'");
    expect(unknownField.body.Fault.Error[0].Detail).toContain("not queryable");
  });
});

describe("the fake QuickBooks Online Change Data Capture", () => {
  const context = useFake({ seed: false });

  it("returns what changed since a time: full objects, deleted ones as stubs, per entity, with the time", async () => {
    const { fake, token } = context;
    const { books } = fake;
    const since = new Date(clock).toISOString();
    clock += 1000;
    const customer = books.createCustomer(realmId, { displayName: "Acme Anvils", email: "ap@acme.example" });
    const kept = books.createInvoice(realmId, {
      customerId: customer.Id,
      lines: [{ quantity: 2, unitPriceCents: 1250 }],
    });
    const gone = books.createInvoice(realmId, { customerId: customer.Id, lines: [{ amountCents: 999 }] });
    books.deleteInvoice(realmId, gone.Id);
    const payment = books.payInvoice(realmId, kept.Id, 1000);
    clock += 1000;

    const cdc = await qbo(
      fake,
      token,
      `cdc?entities=Customer,Invoice,Payment&changedSince=${encodeURIComponent(since)}`,
    );
    expect(cdc.status).toBe(200);
    const [customers, invoices, payments] = cdc.body.CDCResponse[0].QueryResponse;
    expect(customers.Customer.map((c: Json) => c.Id)).toEqual([customer.Id]);
    expect(invoices.Invoice).toEqual([
      expect.objectContaining({ Id: kept.Id, Balance: 15, TotalAmt: 25 }),
      { domain: "QBO", status: "Deleted", Id: gone.Id, MetaData: { LastUpdatedTime: expect.any(String) } },
    ]);
    expect(invoices).toMatchObject({ startPosition: 1, maxResults: 2, totalCount: 2 });
    expect(payments.Payment[0]).toMatchObject({ Id: payment.Id, TotalAmt: 10 });
    expect(cdc.body.time).toEqual(expect.any(String));

    const later = await qbo(
      fake,
      token,
      `cdc?entities=Customer&changedSince=${encodeURIComponent(new Date(clock).toISOString())}`,
    );
    expect(later.body.CDCResponse[0].QueryResponse).toEqual([{}]);
  });

  it("refuses a changedSince more than 30 days back", async () => {
    const { fake, token } = context;
    const old = new Date(clock - 31 * day).toISOString();
    const response = await qbo(fake, token, `cdc?entities=Customer&changedSince=${encodeURIComponent(old)}`);
    expect(response.status).toBe(400);
    expect(response.body.Fault.Error[0].Detail).toContain("older than fixed days is not supported");
  });

  it("caps a response at 1,000 objects across the entities, keeping the oldest changes", async () => {
    const { fake, token } = context;
    const since = new Date(clock).toISOString();
    clock += 1000;
    for (let index = 0; index < 1005; index += 1) {
      fake.books.createCustomer(realmId, { displayName: `Bulk Customer ${String(index).padStart(4, "0")}` });
    }
    clock += 1000;
    const last = fake.books.createCustomer(realmId, { displayName: "The newest" });
    const response = await qbo(fake, token, `cdc?entities=Invoice,Customer&changedSince=${encodeURIComponent(since)}`);
    const [invoices, customers] = response.body.CDCResponse[0].QueryResponse;
    expect(invoices).toEqual({});
    expect(customers.Customer).toHaveLength(1000);
    expect(customers.Customer.some((customer: Json) => customer.Id === last.Id)).toBe(false);
  });
});

describe("the fake QuickBooks Online writes", () => {
  const context = useFake();
  const customerId = () => context.fake.books.customers(realmId)[0]?.Id as string;

  it("creates an invoice once per requestid: a retry with the same requestid gets the first invoice back", async () => {
    const { fake, token } = context;
    const before = fake.books.invoices(realmId).length;
    const first = await qbo(fake, token, "invoice?requestid=deal-42-attempt", { body: invoiceBody(customerId()) });
    expect(first.status).toBe(200);
    expect(first.body.Invoice).toMatchObject({ TotalAmt: 59.97, Balance: 59.97, EmailStatus: "NeedToSend" });
    const retry = await qbo(fake, token, "invoice?requestid=deal-42-attempt", { body: invoiceBody(customerId()) });
    expect(retry.body.Invoice.Id).toBe(first.body.Invoice.Id);
    expect(fake.books.invoices(realmId).length).toBe(before + 1);
    const other = await qbo(fake, token, "invoice?requestid=deal-43-attempt", { body: invoiceBody(customerId()) });
    expect(other.body.Invoice.Id).not.toBe(first.body.Invoice.Id);
    expect(Number(other.body.Invoice.DocNumber)).toBe(Number(first.body.Invoice.DocNumber) + 1);
  });

  it("refuses invalid invoices with QBO's validation Faults", async () => {
    const { fake, token } = context;
    const cases: [Json, string][] = [
      [invoiceBody(customerId(), { customerRef: { value: "1" } }), "2010"],
      [{ Line: invoiceBody("1").Line }, "2020"],
      [invoiceBody("999"), "2500"],
      [invoiceBody(customerId(), { CurrencyRef: { value: "GBP" } }), "6000"],
      [
        invoiceBody(customerId(), {
          Line: [{ Amount: 60, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { Qty: 3, UnitPrice: 19.99 } }],
        }),
        "6070",
      ],
    ];
    for (const [body, code] of cases) {
      const response = await qbo(fake, token, "invoice", { body });
      expect(response.status, code).toBe(400);
      expect(response.body.Fault).toMatchObject({ type: "ValidationFault", Error: [{ code }] });
    }
    const duplicate = await qbo(fake, token, "customer", { body: { DisplayName: "globex corporation" } });
    expect(duplicate.body.Fault.Error[0]).toMatchObject({ code: "6240", Message: "Duplicate Name Exists Error" });
    const notJson = await qbo(fake, token, "customer", { body: "{not json", contentType: "application/json" });
    expect(notJson.body.Fault.Error[0].code).toBe("2010");
  });

  it("refuses a stale SyncToken with 5010; a current one updates sparsely and moves the SyncToken on", async () => {
    const { fake, token } = context;
    const created = await qbo(fake, token, "customer", {
      body: { DisplayName: "Sync Token Traders", PrimaryEmailAddr: { Address: "ap@sync.example" } },
    });
    const { Id, SyncToken } = created.body.Customer;
    expect(SyncToken).toBe("0");
    const updated = await qbo(fake, token, "customer", {
      body: { Id, SyncToken, sparse: true, CompanyName: "Sync Token Traders Ltd" },
    });
    expect(updated.body.Customer).toMatchObject({
      SyncToken: "1",
      CompanyName: "Sync Token Traders Ltd",
      PrimaryEmailAddr: { Address: "ap@sync.example" },
    });
    const stale = await qbo(fake, token, "customer", { body: { Id, SyncToken, sparse: true, Notes: "late" } });
    expect(stale.status).toBe(400);
    expect(stale.body.Fault.Error[0]).toMatchObject({ code: "5010", Message: "Stale Object Error" });
    // A full update clears what it leaves out.
    const full = await qbo(fake, token, "customer", {
      body: { Id, SyncToken: "1", DisplayName: "Sync Token Traders" },
    });
    expect(full.body.Customer.PrimaryEmailAddr).toBeUndefined();

    const invoice = fake.books
      .invoices(realmId)
      .find((candidate) => candidate.Balance === candidate.TotalAmt && candidate.TotalAmt > 0);
    fake.books.updateInvoice(realmId, invoice?.Id as string, { privateNote: "edited in QuickBooks" });
    const staleInvoice = await qbo(fake, token, "invoice", {
      body: { Id: invoice?.Id, SyncToken: invoice?.SyncToken, sparse: true, DueDate: "2027-01-31" },
    });
    expect(staleInvoice.body.Fault.Error[0].code).toBe("5010");
  });

  it("voids and deletes invoices through the API, and emails one with send", async () => {
    const { fake, token } = context;
    const created = (await qbo(fake, token, "invoice", { body: invoiceBody(customerId()) })).body.Invoice;
    const sent = await qbo(fake, token, `invoice/${created.Id}/send`, { method: "POST" });
    expect(sent.body.Invoice).toMatchObject({ EmailStatus: "EmailSent", SyncToken: "1" });
    const voided = await qbo(fake, token, "invoice?operation=void", { body: { Id: created.Id, SyncToken: "1" } });
    expect(voided.body.Invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: "Voided" });
    const deleted = await qbo(fake, token, "invoice?operation=delete", { body: { Id: created.Id, SyncToken: "2" } });
    expect(deleted.body.Invoice).toEqual({ domain: "QBO", status: "Deleted", Id: created.Id });
    expect((await qbo(fake, token, `invoice/${created.Id}`)).body.Fault.Error[0].code).toBe("610");
    expect(
      fake.books
        .changes()
        .slice(-4)
        .map((change) => change.operation),
    ).toEqual(["Create", "Emailed", "Void", "Delete"]);
  });

  it("records payments from the controls: the invoice's Balance and LinkedTxn follow, over-payment is refused", () => {
    const { books } = context.fake;
    const invoice = books.createInvoice(realmId, {
      customerId: customerId(),
      lines: [{ itemId: "2", quantity: 3, unitPriceCents: 137_50 }],
      status: "sent",
    });
    expect(invoice.TotalAmt).toBe(412.5);
    const payment = books.payInvoice(realmId, invoice.Id, 100_01);
    const after = books.invoices(realmId).find((candidate) => candidate.Id === invoice.Id);
    expect(after).toMatchObject({ Balance: 312.49, LinkedTxn: [{ TxnId: payment.Id, TxnType: "Payment" }] });
    expect(() => books.payInvoice(realmId, invoice.Id, 400_00)).toThrow(/at most the balance/);
    expect(() => books.updateCustomer(realmId, customerId(), { active: false })).toThrow(/open balance/);
    expect(() => books.voidInvoice(realmId, invoice.Id)).toThrow(/payments/);
    books.payInvoice(realmId, invoice.Id);
    expect(books.invoices(realmId).find((candidate) => candidate.Id === invoice.Id)?.Balance).toBe(0);
  });
});

describe("the fake QuickBooks web app page", () => {
  const context = useFake();

  it("lists the companies and invoices, and records a payment or disconnects the app as a bookkeeper would", async () => {
    const { fake } = context;
    const page = await fetch(`${fake.url}/app/books`);
    const html = await page.text();
    expect(html).toContain("Northwind Traders Europe B.V.");
    expect(html).toContain("Connected to an app.");
    const open = fake.books.invoices(realmId).find((invoice) => invoice.Balance > 0) as { Id: string };
    const post = (form: Record<string, string>) =>
      fetch(`${fake.url}/app/books`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ realmId, ...form }).toString(),
        redirect: "manual",
      });
    expect((await post({ action: "pay", invoiceId: open.Id })).status).toBe(303);
    expect(fake.books.invoices(realmId).find((invoice) => invoice.Id === open.Id)?.Balance).toBe(0);
    expect(fake.books.changes().at(-1)).toMatchObject({ entity: "Invoice", id: open.Id, operation: "Update" });
    await post({ action: "disconnect" });
    expect(fake.authority.isConnected(realmId)).toBe(false);
  });
});

describe("the fake QuickBooks Online's injected faults", () => {
  const context = useFake();

  it("puts validation Faults inside HTTP 200 with faultNext status 200, and injects a 500 SystemFault once", async () => {
    const { fake, token } = context;
    fake.books.faultNext(
      {
        status: 200,
        code: "6000",
        message: "A business validation error has occurred",
        detail: "Business Validation Error",
      },
      { on: "write" },
    );
    const read = await qbo(fake, token, `companyinfo/${realmId}`);
    expect(read.status).toBe(200);
    expect(read.body.CompanyInfo).toBeDefined();
    const inside = await qbo(fake, token, "customer", { body: { DisplayName: "Faulty Towers" } });
    expect(inside.status).toBe(200);
    expect(inside.body.Fault).toMatchObject({ type: "ValidationFault", Error: [{ code: "6000" }] });
    expect(inside.body.Customer).toBeUndefined();

    fake.books.faultNext({
      status: 500,
      type: "SystemFault",
      code: "10000",
      message: "An application error has occurred while processing your request",
    });
    expect((await qbo(fake, token, `companyinfo/${realmId}`)).status).toBe(500);
    expect((await qbo(fake, token, `companyinfo/${realmId}`)).status).toBe(200);
  });
});

describe("the fake QuickBooks Online with faultsInHttp200", () => {
  const context = useFake({ faultsInHttp200: true });

  it("answers every validation Fault with HTTP 200", async () => {
    const { fake, token } = context;
    const response = await qbo(fake, token, "invoice", { body: invoiceBody("999") });
    expect(response.status).toBe(200);
    expect(response.body.Fault.Error[0].code).toBe("2500");
  });
});

describe("the fake QuickBooks Online throttles", () => {
  const context = useFake({ throttle: { requestsPerMinute: 5, maxConcurrent: 2, retryAfterSeconds: 60 } });

  it("answers 429 ThrottleExceeded (in XML, as Intuit does) past the per-minute limit", async () => {
    const { fake } = context;
    const europe = demoRealmIds.northwindEurope;
    const token = fake.oauth.issueTokens({ realmId: europe }).access_token;
    const statuses: number[] = [];
    for (let index = 0; index < 7; index += 1) {
      statuses.push((await qbo(fake, token, `companyinfo/${europe}`, { realm: europe })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const throttled = await qbo(fake, token, `companyinfo/${europe}`, { realm: europe });
    expect(throttled.headers.get("content-type")).toContain("xml");
    expect(throttled.headers.get("retry-after")).toBe("60");
    expect(throttled.text).toContain("message=ThrottleExceeded; errorCode=003001; statusCode=429");
  });

  it("answers 429 past the concurrency limit, and on demand", async () => {
    const { fake, token } = context;
    fake.books.setLatency(150);
    try {
      const statuses = await Promise.all(
        [0, 1, 2, 3].map(async () => (await qbo(fake, token, `companyinfo/${realmId}`)).status),
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(2);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    } finally {
      fake.books.setLatency(0);
    }
    fake.books.throttleNext();
    expect((await qbo(fake, token, `companyinfo/${realmId}`)).status).toBe(429);
  });

  it("starts afresh after resetLimits: a full allowance, and no fault or throttle an earlier test queued", async () => {
    const { fake } = context;
    const europe = demoRealmIds.northwindEurope;
    const token = fake.oauth.issueTokens({ realmId: europe }).access_token;
    const companyInfo = async () => (await qbo(fake, token, `companyinfo/${europe}`, { realm: europe })).status;
    while ((await companyInfo()) !== 429) {}
    fake.books.throttleNext(2);
    fake.books.faultNext({
      code: "10000",
      message: "An application error has occurred.",
      type: "SystemFault",
      status: 500,
    });
    fake.books.resetLimits();
    expect(await companyInfo()).toBe(200);
  });
});
