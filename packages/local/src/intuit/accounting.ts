import { setTimeout as sleep } from "node:timers/promises";
import { dateIn, type RealmSeed } from "./demo-books";
import {
  accountingScope,
  type FakeIntuitAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  intuitTid,
} from "./fake-intuit-types";
import { currencyNames, fromCents, parseQboTime, qboTime, toCents, toIntuitXml } from "./qbo-format";
import { likeToRegExp, type ParsedQuery, parseQuery, QueryParserError, type QueryValue } from "./query";

// ---------------------------------------------------------------------------------------------------------------
// Public types: QBO's JSON shapes, changes, faults, options and controls

export type QboRef = { value: string; name?: string };
export type QboMetaData = { CreateTime: string; LastUpdatedTime: string };

export type QboCustomer = {
  domain: "QBO";
  sparse: false;
  Id: string;
  SyncToken: string;
  MetaData: QboMetaData;
  DisplayName: string;
  FullyQualifiedName: string;
  PrintOnCheckName: string;
  CompanyName?: string;
  GivenName?: string;
  FamilyName?: string;
  PrimaryEmailAddr?: { Address: string };
  WebAddr?: { URI: string };
  PrimaryPhone?: { FreeFormNumber: string };
  BillAddr?: { City?: string; Country?: string };
  Notes?: string;
  Active: boolean;
  Job: false;
  BillWithParent: false;
  Taxable: false;
  Balance: number;
  BalanceWithJobs: number;
  CurrencyRef: QboRef;
  PreferredDeliveryMethod: "Email" | "Print";
};

export type QboSalesItemLine = {
  Id: string;
  LineNum: number;
  Description?: string;
  Amount: number;
  DetailType: "SalesItemLineDetail";
  SalesItemLineDetail: { ItemRef: QboRef; Qty?: number; UnitPrice?: number; TaxCodeRef: QboRef };
};
export type QboSubTotalLine = { Amount: number; DetailType: "SubTotalLineDetail"; SubTotalLineDetail: object };

export type QboInvoice = {
  domain: "QBO";
  sparse: false;
  Id: string;
  SyncToken: string;
  MetaData: QboMetaData;
  DocNumber: string;
  TxnDate: string;
  DueDate: string;
  CustomerRef: QboRef;
  CurrencyRef: QboRef;
  /** Only for a currency other than the company's home currency. */
  ExchangeRate?: number;
  Line: (QboSalesItemLine | QboSubTotalLine)[];
  TotalAmt: number;
  Balance: number;
  EmailStatus: "NotSet" | "NeedToSend" | "EmailSent";
  PrintStatus: "NotSet" | "NeedToPrint";
  BillEmail?: { Address: string };
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  LinkedTxn: { TxnId: string; TxnType: "Payment" }[];
  DeliveryInfo?: { DeliveryType: "Email"; DeliveryTime: string };
  ApplyTaxAfterDiscount: false;
};

export type QboPayment = {
  domain: "QBO";
  sparse: false;
  Id: string;
  SyncToken: string;
  MetaData: QboMetaData;
  TxnDate: string;
  CustomerRef: QboRef;
  CurrencyRef: QboRef;
  ExchangeRate?: number;
  TotalAmt: number;
  UnappliedAmt: number;
  ProcessPayment: false;
  Line: { Amount: number; LinkedTxn: { TxnId: string; TxnType: "Invoice" }[] }[];
};

export type QboItem = {
  domain: "QBO";
  sparse: false;
  Id: string;
  SyncToken: string;
  MetaData: QboMetaData;
  Name: string;
  FullyQualifiedName: string;
  Description?: string;
  Active: boolean;
  Type: "Service";
  UnitPrice: number;
  Taxable: false;
  IncomeAccountRef: QboRef;
};

/** What CDC returns for a deleted object. */
export type QboDeletedStub = { domain: "QBO"; status: "Deleted"; Id: string; MetaData: { LastUpdatedTime: string } };

export type BooksEntity = "Customer" | "Invoice" | "Payment" | "Item";
/** The operations of Intuit's webhook events (legacy names; CloudEvents use them lower-cased, past tense). */
export type ChangeOperation = "Create" | "Update" | "Delete" | "Void" | "Emailed" | "Merge";
/** One change in a company's books: what CDC and the webhook emitter report. */
export type EntityChange = { realmId: string; entity: BooksEntity; id: string; operation: ChangeOperation; at: number };

/** A QBO fault to inject; `status` defaults to 400 (200 puts the Fault inside a success, as QBO sometimes does). */
export type QboFault = {
  code: string;
  message: string;
  detail?: string;
  element?: string;
  type?: "ValidationFault" | "SystemFault" | "AuthenticationFault" | "AuthorizationFault" | "SERVICE" | string;
  status?: number;
};

/** The kinds of Accounting API call, for fault targeting and the request log. */
export type ApiOperation =
  | "read"
  | "create"
  | "update"
  | "void"
  | "delete"
  | "send"
  | "query"
  | "cdc"
  | "companyinfo"
  | "unsupported";

export type ApiRequestRecord = {
  method: string;
  path: string;
  realmId: string;
  operation: ApiOperation;
  /** The minorversion query parameter as sent (undefined when missing). */
  requestedMinorVersion: string | undefined;
  /** The minor version the fake served: the requested one, at least 75 (Intuit's minimum since August 2025). */
  minorVersion: number;
  requestId: string | undefined;
  status: number;
  /** The Fault code when the answer carried one (in a 200 too). */
  faultCode: string | undefined;
  at: number;
};

/**
 * Intuit's throttles: 500 requests a minute and 10 a second per company and app, 10 concurrent. Windows are
 * measured in real time, not on the fake's clock, so a frozen test clock does not throttle every later request.
 */
export type ThrottleOptions = {
  requestsPerMinute?: number;
  requestsPerSecond?: number;
  maxConcurrent?: number;
  /** Adds `Retry-After` to 429s; default none: Intuit documents no header, only "wait 60 seconds". */
  retryAfterSeconds?: number;
  /** Every API call takes at least this long (makes concurrency limits reachable). */
  latencyMs?: number;
};

export type CustomerInput = {
  displayName: string;
  companyName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  website?: string;
  phone?: string;
  city?: string;
  country?: string;
  /** ISO 4217; default the company's home currency. Fixed after creation. */
  currency?: string;
  active?: boolean;
  notes?: string;
};

/** An invoice line; the amount is `quantity × unitPriceCents` unless given. Item default: "Services" (id 1). */
export type InvoiceLineInput = {
  itemId?: string;
  description?: string;
  quantity?: number;
  unitPriceCents?: number;
  amountCents?: number;
};

export type InvoiceInput = {
  customerId: string;
  lines: InvoiceLineInput[];
  /** YYYY-MM-DD; default today in the company's time zone. */
  txnDate?: string;
  /** YYYY-MM-DD; default 30 days after txnDate. */
  dueDate?: string;
  /** Default the next number of the company's sequence. */
  docNumber?: string;
  currency?: string;
  /** "draft" is NeedToSend (the default), "sent" is EmailSent. */
  status?: "draft" | "sent";
  billEmail?: string;
  privateNote?: string;
  customerMemo?: string;
};

export type RealmSummary = {
  realmId: string;
  companyName: string;
  country: string;
  homeCurrency: string;
  timeZone: string;
};

/** Test and demo controls of the books: each change feeds CDC and the webhook emitter like a person's edit. */
export type FakeBooksControls = {
  realms(): RealmSummary[];
  customers(realmId: string): QboCustomer[];
  invoices(realmId: string): QboInvoice[];
  payments(realmId: string): QboPayment[];
  items(realmId: string): QboItem[];
  createCustomer(realmId: string, input: CustomerInput): QboCustomer;
  updateCustomer(realmId: string, id: string, patch: Partial<CustomerInput>): QboCustomer;
  createInvoice(realmId: string, input: InvoiceInput): QboInvoice;
  updateInvoice(realmId: string, id: string, patch: Partial<Omit<InvoiceInput, "status">>): QboInvoice;
  /** The invoice is emailed to the customer (EmailStatus EmailSent, an "Emailed" event). */
  sendInvoice(realmId: string, id: string, email?: string): QboInvoice;
  /** Records a payment of `amountCents` (default: the open balance) against the invoice. */
  payInvoice(realmId: string, invoiceId: string, amountCents?: number): QboPayment;
  voidInvoice(realmId: string, id: string): QboInvoice;
  deleteInvoice(realmId: string, id: string): void;
  deletePayment(realmId: string, id: string): void;
  /** The next `count` (default 1) API calls, of one operation if given, answer this fault. */
  faultNext(fault: QboFault, options?: { count?: number; on?: ApiOperation }): void;
  /** The next `count` (default 1) API calls answer 429 ThrottleExceeded. */
  throttleNext(count?: number): void;
  /** Every API call takes at least this long from now on. */
  setLatency(ms: number): void;
  requests(): ApiRequestRecord[];
  changes(): EntityChange[];
};

export type FakeAccountingOptions = {
  authority: FakeIntuitAuthority;
  seed: RealmSeed[];
  throttle?: ThrottleOptions;
  /** Validation faults come back with HTTP 200 (the Fault only in the body); default false. */
  faultsInHttp200?: boolean;
  onChange?: (change: EntityChange) => void;
};

export type FakeAccounting = { route: FakeRoute; controls: FakeBooksControls };

// ---------------------------------------------------------------------------------------------------------------
// The books

type Meta = { id: string; createdAt: number; updatedAt: number; syncToken: number };
type CustomerRecord = Meta &
  Omit<CustomerInput, "currency" | "active"> & { id: string; currency: string; active: boolean };
type ItemRecord = Meta & { id: string; name: string; description?: string; unitPriceCents: number; active: boolean };
type LineRecord = {
  itemId: string;
  description?: string;
  quantity?: number;
  unitPrice?: number;
  amountCents: number;
};
type InvoiceRecord = Meta & {
  id: string;
  docNumber: string;
  customerId: string;
  txnDate: string;
  dueDate: string;
  lines: LineRecord[];
  currency: string;
  emailStatus: QboInvoice["EmailStatus"];
  billEmail?: string;
  privateNote?: string;
  customerMemo?: string;
  voided: boolean;
  deliveredAt?: number;
};
type PaymentRecord = Meta & {
  id: string;
  customerId: string;
  currency: string;
  txnDate: string;
  lines: { invoiceId: string; amountCents: number }[];
};
type Tombstone = { entity: BooksEntity; id: string; deletedAt: number };

type Realm = Omit<RealmSeed, "customers" | "items" | "invoices" | "payments"> & {
  customers: Map<string, CustomerRecord>;
  items: Map<string, ItemRecord>;
  invoices: Map<string, InvoiceRecord>;
  payments: Map<string, PaymentRecord>;
  tombstones: Tombstone[];
  nextCustomerId: number;
  nextItemId: number;
  nextTxnId: number;
  nextDocNumber: number;
  /** First answers by `requestid` (Intuit's idempotency key for writes). */
  answersByRequestId: Map<string, Answer>;
};

/** A handler's answer before it is written as JSON or XML. `jsonBody` overrides the JSON (Intuit's 401/403 shape). */
type Answer = {
  status: number;
  body: Record<string, unknown>;
  jsonBody?: unknown;
  headers?: Record<string, string>;
  xmlOnly?: boolean;
};

/** Thrown by the books' operations; the API turns it into a Fault body, the controls into an Error. */
class FaultError extends Error {
  constructor(readonly fault: Required<Pick<QboFault, "code" | "message" | "detail" | "type">>) {
    super(`${fault.message} (${fault.code}): ${fault.detail}`);
  }
}

const fault = (code: string, message: string, detail: string, type = "ValidationFault") =>
  new FaultError({ code, message, detail, type });
const notFound = () =>
  fault(
    "610",
    "Object Not Found",
    "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
  );
const invalidReference = (what: string) =>
  fault(
    "2500",
    "Invalid Reference Id",
    `Invalid Reference Id : ${what} assigned to this transaction has been deleted or made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
  );
const requiredMissing = (parameter: string) =>
  fault(
    "2020",
    "Required param missing, need to supply the required value for the API",
    `Required parameter ${parameter} is missing in the request`,
  );
const unsupportedProperty = (detail: string) =>
  fault(
    "2010",
    "Request has invalid or unsupported property",
    `Property Name:${detail} specified is unsupported or invalid`,
  );
const businessValidation = (detail: string) =>
  fault(
    "6000",
    "A business validation error has occurred while processing your request",
    `Business Validation Error: ${detail}`,
  );
const staleObject = () =>
  fault(
    "5010",
    "Stale Object Error",
    "Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved.",
  );

const day = 24 * 3600 * 1000;
const cdcWindowMs = 30 * day;
const cdcCap = 1000;
const defaultPageSize = 100;
const maxPageSize = 1000;
const minimumMinorVersion = 75;
/** Fixed rates against USD so foreign-currency documents carry a plausible ExchangeRate. */
const usdPerUnit: Record<string, number> = { USD: 1, EUR: 1.08, GBP: 1.27, CAD: 0.73, AUD: 0.65 };
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** A unit price keeps its decimals (QBO allows more than two), without float noise such as 19.989999999999998. */
const unitPriceOf = (cents: number) => Number((cents / 100).toPrecision(12));
const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * day).toISOString().slice(0, 10);
const byNumericId = (a: { id: string }, b: { id: string }) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The Accounting API of QuickBooks Online under `/v3/company/{realmId}/…`, and the controls over its books. */
export function createFakeAccounting(options: FakeAccountingOptions): FakeAccounting {
  const { authority } = options;
  const now = () => authority.now();
  const realms = new Map<string, Realm>();
  const changeLog: EntityChange[] = [];
  const requestLog: ApiRequestRecord[] = [];
  const injectedFaults: { fault: QboFault; on: ApiOperation | undefined }[] = [];
  let throttledNext = 0;
  let latencyMs = options.throttle?.latencyMs ?? 0;
  const limits = {
    perMinute: options.throttle?.requestsPerMinute ?? 500,
    perSecond: options.throttle?.requestsPerSecond ?? 10,
    concurrent: options.throttle?.maxConcurrent ?? 10,
  };
  const windows = new Map<string, { recent: number[]; inFlight: number }>();

  for (const seed of options.seed) realms.set(seed.realmId, loadRealm(seed));

  function loadRealm(seed: RealmSeed): Realm {
    const { customers, items, invoices, payments, ...company } = seed;
    const meta = (createdAt: number, updatedAt = createdAt): Omit<Meta, "id"> => ({
      createdAt: floorToSecond(createdAt),
      updatedAt: floorToSecond(updatedAt),
      syncToken: updatedAt > createdAt ? 1 : 0,
    });
    const realm: Realm = {
      ...company,
      customers: new Map(
        customers.map(({ createdAt, updatedAt, active, ...customer }) => [
          customer.id,
          { ...customer, active: active !== false, ...meta(createdAt, updatedAt) },
        ]),
      ),
      items: new Map(items.map((item) => [item.id, { ...item, active: true, ...meta(company.createdAt) }])),
      invoices: new Map(),
      payments: new Map(),
      tombstones: [],
      nextCustomerId: Math.max(0, ...customers.map((customer) => Number(customer.id))) + 1,
      nextItemId: Math.max(0, ...items.map((item) => Number(item.id))) + 1,
      nextTxnId: Math.max(100, ...[...invoices, ...payments].map((txn) => Number(txn.id))) + 1,
      nextDocNumber: Math.max(1000, ...invoices.map((invoice) => Number(invoice.docNumber) || 0)) + 1,
      answersByRequestId: new Map(),
    };
    for (const invoice of invoices) {
      const customer = realm.customers.get(invoice.customerId);
      const voided = invoice.status === "void";
      realm.invoices.set(invoice.id, {
        id: invoice.id,
        docNumber: invoice.docNumber,
        customerId: invoice.customerId,
        txnDate: invoice.txnDate,
        dueDate: invoice.dueDate,
        lines: invoice.lines.map((line) => ({
          itemId: line.itemId,
          description: line.description,
          quantity: voided ? 0 : line.quantity,
          unitPrice: fromCents(line.unitPriceCents),
          amountCents: voided ? 0 : line.quantity * line.unitPriceCents,
        })),
        currency: customer?.currency ?? company.homeCurrency,
        emailStatus: invoice.status === "draft" ? "NeedToSend" : "EmailSent",
        billEmail: customer?.email,
        privateNote: invoice.privateNote,
        voided,
        ...(invoice.status === "draft" ? {} : { deliveredAt: floorToSecond(invoice.createdAt) }),
        ...meta(invoice.createdAt, invoice.updatedAt),
      });
    }
    for (const payment of payments) {
      const customer = realm.customers.get(payment.customerId);
      realm.payments.set(payment.id, {
        id: payment.id,
        customerId: payment.customerId,
        currency: customer?.currency ?? company.homeCurrency,
        txnDate: payment.txnDate,
        lines: [{ invoiceId: payment.invoiceId, amountCents: payment.amountCents }],
        ...meta(payment.createdAt),
      });
    }
    return realm;
  }

  const realmOf = (realmId: string) => {
    const realm = realms.get(realmId);
    if (!realm) throw new Error(`No such fake QuickBooks company: ${realmId}`);
    return realm;
  };

  // --- derived amounts and rendering ------------------------------------------------------------------------

  const totalOf = (invoice: InvoiceRecord) => invoice.lines.reduce((sum, line) => sum + line.amountCents, 0);
  const paymentsOf = (realm: Realm, invoiceId: string) =>
    [...realm.payments.values()].filter((payment) => payment.lines.some((line) => line.invoiceId === invoiceId));
  const paidOf = (realm: Realm, invoiceId: string) =>
    paymentsOf(realm, invoiceId).reduce(
      (sum, payment) =>
        sum + payment.lines.filter((line) => line.invoiceId === invoiceId).reduce((s, line) => s + line.amountCents, 0),
      0,
    );
  const balanceOf = (realm: Realm, invoice: InvoiceRecord) =>
    invoice.voided ? 0 : totalOf(invoice) - paidOf(realm, invoice.id);

  const currencyRef = (code: string): QboRef => ({ value: code, name: currencyNames[code] ?? code });
  const exchangeRate = (realm: Realm, code: string) =>
    code === realm.homeCurrency
      ? {}
      : { ExchangeRate: Number(((usdPerUnit[code] ?? 1) / (usdPerUnit[realm.homeCurrency] ?? 1)).toFixed(4)) };
  const metaData = (realm: Realm, record: Meta): QboMetaData => ({
    CreateTime: qboTime(record.createdAt, realm.timeZone),
    LastUpdatedTime: qboTime(record.updatedAt, realm.timeZone),
  });

  const renderCustomer = (realm: Realm, customer: CustomerRecord): QboCustomer => {
    const balance = fromCents(
      [...realm.invoices.values()]
        .filter((invoice) => invoice.customerId === customer.id)
        .reduce((sum, invoice) => sum + balanceOf(realm, invoice), 0),
    );
    return {
      domain: "QBO",
      sparse: false,
      Id: customer.id,
      SyncToken: String(customer.syncToken),
      MetaData: metaData(realm, customer),
      ...(customer.givenName === undefined ? {} : { GivenName: customer.givenName }),
      ...(customer.familyName === undefined ? {} : { FamilyName: customer.familyName }),
      FullyQualifiedName: customer.displayName,
      ...(customer.companyName === undefined ? {} : { CompanyName: customer.companyName }),
      DisplayName: customer.displayName,
      PrintOnCheckName: customer.companyName ?? customer.displayName,
      Active: customer.active,
      ...(customer.phone === undefined ? {} : { PrimaryPhone: { FreeFormNumber: customer.phone } }),
      ...(customer.email === undefined ? {} : { PrimaryEmailAddr: { Address: customer.email } }),
      ...(customer.website === undefined ? {} : { WebAddr: { URI: customer.website } }),
      ...(customer.city === undefined && customer.country === undefined
        ? {}
        : { BillAddr: { City: customer.city, Country: customer.country } }),
      ...(customer.notes === undefined ? {} : { Notes: customer.notes }),
      Job: false,
      BillWithParent: false,
      Taxable: false,
      Balance: balance,
      BalanceWithJobs: balance,
      CurrencyRef: currencyRef(customer.currency),
      PreferredDeliveryMethod: customer.email === undefined ? "Print" : "Email",
    };
  };

  const renderInvoice = (realm: Realm, invoice: InvoiceRecord): QboInvoice => {
    const customer = realm.customers.get(invoice.customerId);
    const total = totalOf(invoice);
    return {
      domain: "QBO",
      sparse: false,
      Id: invoice.id,
      SyncToken: String(invoice.syncToken),
      MetaData: metaData(realm, invoice),
      DocNumber: invoice.docNumber,
      TxnDate: invoice.txnDate,
      DueDate: invoice.dueDate,
      CurrencyRef: currencyRef(invoice.currency),
      ...exchangeRate(realm, invoice.currency),
      ...(invoice.privateNote === undefined ? {} : { PrivateNote: invoice.privateNote }),
      LinkedTxn: paymentsOf(realm, invoice.id).map((payment) => ({ TxnId: payment.id, TxnType: "Payment" as const })),
      Line: [
        ...invoice.lines.map((line, index): QboSalesItemLine => {
          const item = realm.items.get(line.itemId);
          return {
            Id: String(index + 1),
            LineNum: index + 1,
            ...(line.description === undefined ? {} : { Description: line.description }),
            Amount: fromCents(line.amountCents),
            DetailType: "SalesItemLineDetail",
            SalesItemLineDetail: {
              ItemRef: { value: line.itemId, name: item?.name ?? "Services" },
              ...(line.unitPrice === undefined ? {} : { UnitPrice: line.unitPrice }),
              ...(line.quantity === undefined ? {} : { Qty: line.quantity }),
              TaxCodeRef: { value: "NON" },
            },
          };
        }),
        { Amount: fromCents(total), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} },
      ],
      CustomerRef: { value: invoice.customerId, name: customer?.displayName ?? "" },
      ...(invoice.customerMemo === undefined ? {} : { CustomerMemo: { value: invoice.customerMemo } }),
      ...(invoice.billEmail === undefined ? {} : { BillEmail: { Address: invoice.billEmail } }),
      TotalAmt: fromCents(total),
      Balance: fromCents(balanceOf(realm, invoice)),
      EmailStatus: invoice.emailStatus,
      PrintStatus: "NotSet",
      ...(invoice.deliveredAt === undefined
        ? {}
        : {
            DeliveryInfo: {
              DeliveryType: "Email" as const,
              DeliveryTime: qboTime(invoice.deliveredAt, realm.timeZone),
            },
          }),
      ApplyTaxAfterDiscount: false,
    };
  };

  const renderPayment = (realm: Realm, payment: PaymentRecord): QboPayment => {
    const customer = realm.customers.get(payment.customerId);
    const total = payment.lines.reduce((sum, line) => sum + line.amountCents, 0);
    return {
      domain: "QBO",
      sparse: false,
      Id: payment.id,
      SyncToken: String(payment.syncToken),
      MetaData: metaData(realm, payment),
      TxnDate: payment.txnDate,
      CurrencyRef: currencyRef(payment.currency),
      ...exchangeRate(realm, payment.currency),
      CustomerRef: { value: payment.customerId, name: customer?.displayName ?? "" },
      TotalAmt: fromCents(total),
      UnappliedAmt: 0,
      ProcessPayment: false,
      Line: payment.lines.map((line) => ({
        Amount: fromCents(line.amountCents),
        LinkedTxn: [{ TxnId: line.invoiceId, TxnType: "Invoice" as const }],
      })),
    };
  };

  const renderItem = (realm: Realm, item: ItemRecord): QboItem => ({
    domain: "QBO",
    sparse: false,
    Id: item.id,
    SyncToken: String(item.syncToken),
    MetaData: metaData(realm, item),
    Name: item.name,
    FullyQualifiedName: item.name,
    ...(item.description === undefined ? {} : { Description: item.description }),
    Active: item.active,
    Type: "Service",
    UnitPrice: fromCents(item.unitPriceCents),
    Taxable: false,
    IncomeAccountRef: { value: "1", name: "Services" },
  });

  const renderCompanyInfo = (realm: Realm) => ({
    domain: "QBO",
    sparse: false,
    Id: "1",
    SyncToken: "3",
    MetaData: {
      CreateTime: qboTime(realm.createdAt, realm.timeZone),
      LastUpdatedTime: qboTime(realm.createdAt, realm.timeZone),
    },
    CompanyName: realm.companyName,
    LegalName: realm.legalName,
    CompanyAddr: { Country: realm.country },
    Country: realm.country,
    Email: { Address: realm.email },
    SupportedLanguages: "en",
    NameValue: [
      { Name: "HomeCurrency", Value: realm.homeCurrency },
      { Name: "MultiCurrencyEnabled", Value: "true" },
    ],
  });

  // --- changes ------------------------------------------------------------------------------------------------

  const record = (realm: Realm, entity: BooksEntity, id: string, operation: ChangeOperation, at: number) => {
    const change: EntityChange = { realmId: realm.realmId, entity, id, operation, at };
    changeLog.push(change);
    options.onChange?.(change);
  };

  /** Stamps a new or changed record: LastUpdatedTime in whole seconds (as QBO shows it), SyncToken + 1 on change. */
  const stamp = (record: Meta, created: boolean) => {
    const at = floorToSecond(now());
    if (created) {
      record.createdAt = at;
      record.syncToken = 0;
    } else {
      record.syncToken += 1;
    }
    record.updatedAt = at;
    return at;
  };

  // --- customers ----------------------------------------------------------------------------------------------

  const saveCustomer = (realm: Realm, input: CustomerInput, existing?: CustomerRecord): CustomerRecord => {
    const displayName = input.displayName?.trim();
    if (!displayName) throw requiredMissing("DisplayName");
    const clash = [...realm.customers.values()].find(
      (other) => other !== existing && sameName(other.displayName, displayName),
    );
    if (clash) {
      throw fault(
        "6240",
        "Duplicate Name Exists Error",
        `The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name. Id=${clash.id}`,
      );
    }
    const currency = existing?.currency ?? input.currency ?? realm.homeCurrency;
    if (!currencyNames[currency]) throw invalidReference(`Currency ${currency}`);
    const fields: CustomerRecord = {
      ...(existing ?? { id: String(realm.nextCustomerId), createdAt: 0, updatedAt: 0, syncToken: 0 }),
      displayName,
      companyName: input.companyName,
      givenName: input.givenName,
      familyName: input.familyName,
      email: input.email,
      website: input.website,
      phone: input.phone,
      city: input.city,
      country: input.country,
      notes: input.notes,
      currency,
      active: input.active ?? true,
    };
    const stored = existing ? Object.assign(existing, fields) : fields;
    if (!existing) {
      realm.nextCustomerId += 1;
      realm.customers.set(stored.id, stored);
    }
    const at = stamp(stored, !existing);
    record(realm, "Customer", stored.id, existing ? "Update" : "Create", at);
    return stored;
  };

  const customerInputOf = (customer: CustomerRecord): CustomerInput => ({
    displayName: customer.displayName,
    companyName: customer.companyName,
    givenName: customer.givenName,
    familyName: customer.familyName,
    email: customer.email,
    website: customer.website,
    phone: customer.phone,
    city: customer.city,
    country: customer.country,
    currency: customer.currency,
    active: customer.active,
    notes: customer.notes,
  });

  // --- invoices and payments ------------------------------------------------------------------------------------

  const saveInvoice = (realm: Realm, input: InvoiceInput, existing?: InvoiceRecord): InvoiceRecord => {
    if (!input.customerId) throw requiredMissing("CustomerRef");
    const customer = realm.customers.get(input.customerId);
    if (!customer?.active) throw invalidReference("Customer");
    const salesLines = input.lines ?? [];
    if (salesLines.length === 0) throw requiredMissing("Line");
    const lines = salesLines.map((line): LineRecord => {
      const itemId = line.itemId ?? "1";
      const item = realm.items.get(itemId);
      if (!item?.active) throw invalidReference("Item");
      const unitPrice = line.unitPriceCents === undefined ? undefined : unitPriceOf(line.unitPriceCents);
      const computed =
        line.quantity !== undefined && line.unitPriceCents !== undefined
          ? Math.round(line.quantity * line.unitPriceCents)
          : undefined;
      if (line.amountCents !== undefined && computed !== undefined && computed !== line.amountCents) {
        throw fault(
          "6070",
          "Amount is not equal to UnitPrice * Qty",
          `Amount is not equal to UnitPrice * Qty. Supplied value:${fromCents(line.amountCents)}`,
        );
      }
      const amountCents = line.amountCents ?? computed;
      if (amountCents === undefined) throw requiredMissing("Line.Amount");
      return { itemId, description: line.description, quantity: line.quantity, unitPrice, amountCents };
    });
    const currency = input.currency ?? customer.currency;
    if (currency !== customer.currency) {
      throw businessValidation(
        `The currency of the transaction (${currency}) must match the customer's (${customer.currency}).`,
      );
    }
    const txnDate = input.txnDate ?? existing?.txnDate ?? dateIn(now(), realm.timeZone);
    const dueDate = input.dueDate ?? existing?.dueDate ?? addDays(txnDate, 30);
    for (const [name, value] of [
      ["TxnDate", txnDate],
      ["DueDate", dueDate],
    ] as const) {
      if (!datePattern.test(value) || Number.isNaN(Date.parse(value))) {
        throw unsupportedProperty(`${name}: Cannot parse date value '${value}'`);
      }
    }
    const docNumber = input.docNumber ?? existing?.docNumber ?? String(realm.nextDocNumber);
    if (docNumber.length > 21) throw businessValidation("DocNumber: String length exceeds the maximum of 21.");
    const paid = existing ? paidOf(realm, existing.id) : 0;
    const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
    if (total < paid) throw businessValidation("The invoice total is less than the payments applied to it.");
    const fields: InvoiceRecord = {
      ...(existing ?? { id: String(realm.nextTxnId), createdAt: 0, updatedAt: 0, syncToken: 0, voided: false }),
      docNumber,
      customerId: customer.id,
      txnDate,
      dueDate,
      lines,
      currency,
      emailStatus: existing?.emailStatus ?? (input.status === "sent" ? "EmailSent" : "NeedToSend"),
      billEmail: input.billEmail ?? existing?.billEmail ?? customer.email,
      privateNote: input.privateNote,
      customerMemo: input.customerMemo,
    };
    if (existing && existing.customerId !== customer.id && paid > 0) {
      throw businessValidation("You can't change the customer of an invoice that has payments.");
    }
    const stored = existing ? Object.assign(existing, fields) : fields;
    if (!existing) {
      realm.nextTxnId += 1;
      if (input.docNumber === undefined) realm.nextDocNumber += 1;
      realm.invoices.set(stored.id, stored);
      if (stored.emailStatus === "EmailSent") stored.deliveredAt = floorToSecond(now());
    }
    const at = stamp(stored, !existing);
    record(realm, "Invoice", stored.id, existing ? "Update" : "Create", at);
    return stored;
  };

  const invoiceInputOf = (invoice: InvoiceRecord): InvoiceInput => ({
    customerId: invoice.customerId,
    lines: invoice.lines.map((line) => ({
      itemId: line.itemId,
      description: line.description,
      quantity: line.quantity,
      ...(line.unitPrice === undefined ? {} : { unitPriceCents: toCents(line.unitPrice) }),
      amountCents: line.amountCents,
    })),
    txnDate: invoice.txnDate,
    dueDate: invoice.dueDate,
    docNumber: invoice.docNumber,
    currency: invoice.currency,
    billEmail: invoice.billEmail,
    privateNote: invoice.privateNote,
    customerMemo: invoice.customerMemo,
  });

  const findInvoice = (realm: Realm, id: string) => {
    const invoice = realm.invoices.get(id);
    if (!invoice) throw notFound();
    return invoice;
  };

  const voidInvoice = (realm: Realm, invoice: InvoiceRecord) => {
    if (invoice.voided) return invoice;
    if (paidOf(realm, invoice.id) > 0) {
      throw businessValidation("This invoice has payments applied to it; delete or unapply them before voiding.");
    }
    invoice.voided = true;
    invoice.privateNote = invoice.privateNote ? `Voided - ${invoice.privateNote}` : "Voided";
    for (const line of invoice.lines) {
      line.amountCents = 0;
      if (line.quantity !== undefined) line.quantity = 0;
    }
    const at = stamp(invoice, false);
    record(realm, "Invoice", invoice.id, "Void", at);
    return invoice;
  };

  const deleteInvoice = (realm: Realm, invoice: InvoiceRecord) => {
    if (paidOf(realm, invoice.id) > 0) {
      throw businessValidation("This invoice has payments applied to it; delete them before deleting the invoice.");
    }
    realm.invoices.delete(invoice.id);
    const at = floorToSecond(now());
    realm.tombstones.push({ entity: "Invoice", id: invoice.id, deletedAt: at });
    record(realm, "Invoice", invoice.id, "Delete", at);
  };

  const sendInvoice = (realm: Realm, invoice: InvoiceRecord, email?: string) => {
    const address = email ?? invoice.billEmail;
    if (!address) throw businessValidation("The invoice has no email address to send to (BillEmail).");
    invoice.billEmail = address;
    invoice.emailStatus = "EmailSent";
    invoice.deliveredAt = floorToSecond(now());
    const at = stamp(invoice, false);
    record(realm, "Invoice", invoice.id, "Emailed", at);
    return invoice;
  };

  const payInvoice = (realm: Realm, invoice: InvoiceRecord, amountCents?: number) => {
    if (invoice.voided) throw businessValidation("A voided invoice cannot be paid.");
    const balance = balanceOf(realm, invoice);
    const amount = amountCents ?? balance;
    if (!Number.isInteger(amount) || amount <= 0 || amount > balance) {
      throw businessValidation(
        `The payment (${fromCents(amount)}) must be positive and at most the balance (${fromCents(balance)}).`,
      );
    }
    const payment: PaymentRecord = {
      id: String(realm.nextTxnId++),
      customerId: invoice.customerId,
      currency: invoice.currency,
      txnDate: dateIn(now(), realm.timeZone),
      lines: [{ invoiceId: invoice.id, amountCents: amount }],
      createdAt: 0,
      updatedAt: 0,
      syncToken: 0,
    };
    realm.payments.set(payment.id, payment);
    const at = stamp(payment, true);
    record(realm, "Payment", payment.id, "Create", at);
    // QBO updates the invoice too: its Balance and LinkedTxn change, and so do its SyncToken and LastUpdatedTime.
    stamp(invoice, false);
    record(realm, "Invoice", invoice.id, "Update", at);
    return payment;
  };

  const deletePayment = (realm: Realm, id: string) => {
    const payment = realm.payments.get(id);
    if (!payment) throw notFound();
    realm.payments.delete(id);
    const at = floorToSecond(now());
    realm.tombstones.push({ entity: "Payment", id, deletedAt: at });
    record(realm, "Payment", id, "Delete", at);
    for (const line of payment.lines) {
      const invoice = realm.invoices.get(line.invoiceId);
      if (!invoice) continue;
      stamp(invoice, false);
      record(realm, "Invoice", invoice.id, "Update", at);
    }
  };

  // --- the JSON bodies the API accepts ---------------------------------------------------------------------

  // biome-ignore format: a word list
  const customerProperties = new Set([
    "Id", "SyncToken", "sparse", "domain", "MetaData", "DisplayName", "CompanyName", "GivenName", "MiddleName",
    "FamilyName", "Title", "Suffix", "FullyQualifiedName", "PrintOnCheckName", "PrimaryEmailAddr", "WebAddr",
    "PrimaryPhone", "Mobile", "Fax", "BillAddr", "ShipAddr", "Notes", "Active", "CurrencyRef", "Taxable",
    "PreferredDeliveryMethod", "Balance", "BalanceWithJobs", "Job", "BillWithParent", "ParentRef", "OpenBalanceDate",
  ]);
  // biome-ignore format: a word list
  const invoiceProperties = new Set([
    "Id", "SyncToken", "sparse", "domain", "MetaData", "DocNumber", "TxnDate", "DueDate", "CustomerRef", "Line",
    "CurrencyRef", "ExchangeRate", "EmailStatus", "PrintStatus", "BillEmail", "PrivateNote", "CustomerMemo",
    "TotalAmt", "Balance", "LinkedTxn", "SalesTermRef", "ApplyTaxAfterDiscount", "TxnTaxDetail", "CustomField",
    "DeliveryInfo", "BillAddr", "ShipAddr", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment", "HomeBalance",
    "HomeTotalAmt", "TxnStatus",
  ]);

  // biome-ignore lint/suspicious/noExplicitAny: request bodies are the client's arbitrary JSON
  type Json = Record<string, any>;

  const checkProperties = (body: Json, allowed: Set<string>, entity: string) => {
    for (const key of Object.keys(body)) {
      if (!allowed.has(key)) {
        throw unsupportedProperty(
          `Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${entity}), not marked as ignorable`,
        );
      }
    }
  };
  const text = (value: unknown, name: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw unsupportedProperty(`${name}: expected a string`);
    return value;
  };

  const customerInputFromJson = (body: Json): CustomerInput => ({
    displayName:
      text(body.DisplayName, "DisplayName") ??
      [body.Title, body.GivenName, body.MiddleName, body.FamilyName, body.Suffix]
        .filter((part) => typeof part === "string" && part.trim())
        .join(" "),
    companyName: text(body.CompanyName, "CompanyName"),
    givenName: text(body.GivenName, "GivenName"),
    familyName: text(body.FamilyName, "FamilyName"),
    email: text(body.PrimaryEmailAddr?.Address, "PrimaryEmailAddr.Address"),
    website: text(body.WebAddr?.URI, "WebAddr.URI"),
    phone: text(body.PrimaryPhone?.FreeFormNumber, "PrimaryPhone.FreeFormNumber"),
    city: text(body.BillAddr?.City, "BillAddr.City"),
    country: text(body.BillAddr?.Country, "BillAddr.Country"),
    currency: text(body.CurrencyRef?.value, "CurrencyRef.value"),
    active: body.Active === undefined ? undefined : body.Active === true || body.Active === "true",
    notes: text(body.Notes, "Notes"),
  });

  const amount = (value: unknown, name: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const number = typeof value === "string" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isFinite(number)) throw unsupportedProperty(`${name}: not a number`);
    return number;
  };

  const invoiceInputFromJson = (body: Json): InvoiceInput => {
    if (body.Line !== undefined && !Array.isArray(body.Line)) throw unsupportedProperty("Line: expected an array");
    const lines: InvoiceLineInput[] = [];
    for (const line of (body.Line ?? []) as Json[]) {
      if (line.DetailType === "SubTotalLineDetail" || line.DetailType === "DescriptionOnly") continue;
      if (line.DetailType !== "SalesItemLineDetail") {
        if (line.DetailType === undefined) throw requiredMissing("Line.DetailType");
        throw unsupportedProperty(`Line.DetailType: ${String(line.DetailType)} is not supported by this fake`);
      }
      const detail = (line.SalesItemLineDetail ?? {}) as Json;
      const lineAmount = amount(line.Amount, "Line.Amount");
      if (lineAmount === undefined) throw requiredMissing("Line.Amount");
      const unitPrice = amount(detail.UnitPrice, "SalesItemLineDetail.UnitPrice");
      lines.push({
        itemId: text(detail.ItemRef?.value, "ItemRef.value"),
        description: text(line.Description, "Line.Description"),
        quantity: amount(detail.Qty, "SalesItemLineDetail.Qty"),
        ...(unitPrice === undefined ? {} : { unitPriceCents: unitPrice * 100 }),
        amountCents: toCents(lineAmount),
      });
    }
    const emailStatus = text(body.EmailStatus, "EmailStatus");
    if (emailStatus !== undefined && !["NotSet", "NeedToSend", "EmailSent"].includes(emailStatus)) {
      throw unsupportedProperty(`EmailStatus: ${emailStatus}`);
    }
    return {
      customerId: text(body.CustomerRef?.value, "CustomerRef.value") ?? "",
      lines,
      txnDate: text(body.TxnDate, "TxnDate"),
      dueDate: text(body.DueDate, "DueDate"),
      docNumber: text(body.DocNumber, "DocNumber"),
      currency: text(body.CurrencyRef?.value, "CurrencyRef.value"),
      ...(emailStatus === "EmailSent" ? { status: "sent" as const } : {}),
      billEmail: text(body.BillEmail?.Address, "BillEmail.Address"),
      privateNote: text(body.PrivateNote, "PrivateNote"),
      customerMemo: text(body.CustomerMemo?.value, "CustomerMemo.value"),
    };
  };

  /** The record an update names, after QBO's optimistic-concurrency check on SyncToken. */
  const forUpdate = <T extends Meta>(records: Map<string, T>, body: Json): T => {
    const existing = records.get(String(body.Id));
    if (!existing) throw notFound();
    if (body.SyncToken === undefined || body.SyncToken === null) throw requiredMissing("SyncToken");
    if (String(body.SyncToken) !== String(existing.syncToken)) throw staleObject();
    return existing;
  };

  /** Sparse updates change only the properties sent; full updates replace the writable ones (absent: cleared). */
  const mergeSparse = <T extends object>(
    current: T,
    sent: T,
    body: Json,
    keysByProperty: Record<string, (keyof T)[]>,
  ) => {
    if (body.sparse !== true && body.sparse !== "true") return sent;
    const merged = { ...current };
    for (const [property, keys] of Object.entries(keysByProperty)) {
      if (property in body) for (const key of keys) merged[key] = sent[key];
    }
    return merged;
  };

  // --- query and CDC ----------------------------------------------------------------------------------------

  type EntityTable = {
    name: BooksEntity;
    records: (realm: Realm) => Meta[];
    render: (realm: Realm, record: never) => Record<string, unknown>;
    /** Lower-case queryable properties. */
    queryable: Set<string>;
    /** Names QBO hides from plain queries when inactive. */
    activeByDefault: boolean;
  };
  const metaFields = ["metadata.createtime", "metadata.lastupdatedtime"];
  const tables: Record<string, EntityTable> = {
    customer: {
      name: "Customer",
      records: (realm) => [...realm.customers.values()],
      render: renderCustomer as EntityTable["render"],
      // biome-ignore format: a word list
      queryable: new Set([
        "id", "displayname", "companyname", "givenname", "familyname", "fullyqualifiedname", "primaryemailaddr",
        "active", "balance", ...metaFields,
      ]),
      activeByDefault: true,
    },
    invoice: {
      name: "Invoice",
      records: (realm) => [...realm.invoices.values()],
      render: renderInvoice as EntityTable["render"],
      // biome-ignore format: a word list
      queryable: new Set([
        "id", "docnumber", "txndate", "duedate", "customerref", "totalamt", "balance", "emailstatus", ...metaFields,
      ]),
      activeByDefault: false,
    },
    payment: {
      name: "Payment",
      records: (realm) => [...realm.payments.values()],
      render: renderPayment as EntityTable["render"],
      queryable: new Set(["id", "txndate", "customerref", "totalamt", ...metaFields]),
      activeByDefault: false,
    },
    item: {
      name: "Item",
      records: (realm) => [...realm.items.values()],
      render: renderItem as EntityTable["render"],
      queryable: new Set(["id", "name", "active", "type", "fullyqualifiedname", ...metaFields]),
      activeByDefault: true,
    },
  };

  /** A property by QBO's path (case-insensitive; `Metadata` and `MetaData` alike), refs and addresses by value. */
  const valueAt = (object: Record<string, unknown>, path: string): unknown => {
    let current: unknown = object;
    for (const segment of path.split(".")) {
      if (typeof current !== "object" || current === null) return undefined;
      const key = Object.keys(current).find((candidate) => candidate.toLowerCase() === segment.toLowerCase());
      current = key === undefined ? undefined : (current as Record<string, unknown>)[key];
    }
    if (typeof current === "object" && current !== null) {
      const wrapped = current as Record<string, unknown>;
      return wrapped.value ?? wrapped.Address ?? wrapped.URI ?? wrapped.FreeFormNumber;
    }
    return current;
  };

  const comparable = (realm: Realm, field: string, value: unknown): QueryValue | undefined => {
    if (value === undefined || value === null) return undefined;
    if (field.startsWith("metadata.")) return parseQboTime(String(value), realm.timeZone);
    if (typeof value === "number" || typeof value === "boolean") return value;
    return String(value);
  };

  const compare = (left: QueryValue, right: QueryValue) => {
    if (typeof left === "number" || typeof right === "number") return Number(left) - Number(right);
    if (typeof left === "boolean" || typeof right === "boolean") return String(left) === String(right) ? 0 : 1;
    return left.localeCompare(right);
  };

  const runQuery = (realm: Realm, queryText: string): Record<string, unknown> => {
    let parsed: ParsedQuery;
    try {
      parsed = parseQuery(queryText);
    } catch (error) {
      if (error instanceof QueryParserError) throw fault("4000", "Error parsing query", error.message);
      throw error;
    }
    const table = tables[parsed.entity.toLowerCase()];
    if (!table) {
      throw fault("4001", "Invalid query", `QueryValidationError: Invalid context declaration : ${parsed.entity}`);
    }
    const fields = [...parsed.conditions.map((c) => c.field), ...parsed.orderBy.map((o) => o.field)];
    for (const field of fields) {
      if (!table.queryable.has(field.toLowerCase())) {
        throw fault("4001", "Invalid query", `QueryValidationError: property '${field}' is not queryable`);
      }
    }
    const conditions = [...parsed.conditions];
    if (table.activeByDefault && !conditions.some((condition) => condition.field.toLowerCase() === "active")) {
      conditions.push({ field: "Active", operator: "=", value: true });
    }
    const rendered = table
      .records(realm)
      .sort(byNumericId)
      .map((record) => table.render(realm, record as never));
    const matching = rendered.filter((entity) =>
      conditions.every((condition) => {
        const field = condition.field.toLowerCase();
        const actual = comparable(realm, field, valueAt(entity, condition.field));
        if (actual === undefined) return false;
        if (condition.operator === "LIKE") return likeToRegExp(condition.pattern).test(String(actual));
        const expected = (value: QueryValue) =>
          field.startsWith("metadata.") ? parseQboTime(String(value), realm.timeZone) : value;
        if (condition.operator === "IN")
          return condition.values.some((value) => compare(actual, expected(value)) === 0);
        const difference = compare(actual, expected(condition.value));
        switch (condition.operator) {
          case "=":
            return difference === 0;
          case "!=":
            return difference !== 0;
          case "<":
            return difference < 0;
          case ">":
            return difference > 0;
          case "<=":
            return difference <= 0;
          case ">=":
            return difference >= 0;
        }
        return false;
      }),
    );
    if (parsed.orderBy.length > 0) {
      matching.sort((a, b) => {
        for (const { field, descending } of parsed.orderBy) {
          const left = comparable(realm, field.toLowerCase(), valueAt(a, field));
          const right = comparable(realm, field.toLowerCase(), valueAt(b, field));
          if (left === undefined || right === undefined) continue;
          const difference = field.toLowerCase() === "id" ? Number(left) - Number(right) : compare(left, right);
          if (difference !== 0) return descending ? -difference : difference;
        }
        return 0;
      });
    }
    if (parsed.count) return { QueryResponse: { totalCount: matching.length } };
    const startPosition = Math.max(1, parsed.startPosition ?? 1);
    const maxResults = Math.min(maxPageSize, Math.max(1, parsed.maxResults ?? defaultPageSize));
    const page = matching.slice(startPosition - 1, startPosition - 1 + maxResults).map((entity) => {
      if (!parsed.fields) return entity;
      const picked: Record<string, unknown> = { domain: "QBO", sparse: true };
      for (const field of parsed.fields) {
        const key = Object.keys(entity).find(
          (candidate) => candidate.toLowerCase() === field.split(".")[0]?.toLowerCase(),
        );
        if (key !== undefined) picked[key] = entity[key];
      }
      return picked;
    });
    // QBO leaves everything out of QueryResponse when nothing matches.
    if (page.length === 0) return { QueryResponse: {} };
    return { QueryResponse: { [table.name]: page, startPosition, maxResults: page.length } };
  };

  const runCdc = (realm: Realm, query: URLSearchParams): Record<string, unknown> => {
    const entitiesParameter = query.get("entities");
    if (!entitiesParameter) throw requiredMissing("entities");
    const changedSinceText = query.get("changedSince");
    if (!changedSinceText) throw requiredMissing("changedSince");
    const changedSince = parseQboTime(changedSinceText, realm.timeZone);
    if (Number.isNaN(changedSince))
      throw unsupportedProperty(`changedSince: Cannot parse date value '${changedSinceText}'`);
    if (changedSince < now() - cdcWindowMs) {
      throw fault(
        "500",
        "Unsupported Operation",
        `Operation cdc with changedSince date ${changedSinceText} which is older than fixed days is not supported.`,
      );
    }
    const requested = entitiesParameter
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const chosen: EntityTable[] = [];
    for (const name of requested) {
      const table = tables[name.toLowerCase()];
      if (!table) throw fault("4001", "Invalid query", `QueryValidationError: Invalid context declaration : ${name}`);
      if (!chosen.includes(table)) chosen.push(table);
    }
    type Changed = { table: EntityTable; at: number; id: string; body: Record<string, unknown> };
    const changed: Changed[] = [];
    for (const table of chosen) {
      for (const record of table.records(realm)) {
        if (record.updatedAt < changedSince) continue;
        const body = table.render(realm, record as never);
        changed.push({ table, at: record.updatedAt, id: String(body.Id), body });
      }
      for (const tombstone of realm.tombstones) {
        if (tombstone.entity !== table.name || tombstone.deletedAt < changedSince) continue;
        const stub: QboDeletedStub = {
          domain: "QBO",
          status: "Deleted",
          Id: tombstone.id,
          MetaData: { LastUpdatedTime: qboTime(tombstone.deletedAt, realm.timeZone) },
        };
        changed.push({ table, at: tombstone.deletedAt, id: tombstone.id, body: stub });
      }
    }
    // One shared cap across the entities; the oldest changes are the ones kept, so a caller can continue from them.
    changed.sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
    const kept = changed.slice(0, cdcCap);
    return {
      CDCResponse: [
        {
          QueryResponse: chosen.map((table) => {
            const objects = kept.filter((entry) => entry.table === table).map((entry) => entry.body);
            if (objects.length === 0) return {};
            return { [table.name]: objects, startPosition: 1, maxResults: objects.length, totalCount: objects.length };
          }),
        },
      ],
    };
  };

  // --- the HTTP side ----------------------------------------------------------------------------------------

  const timeOf = (realm: Realm | undefined) => qboTime(now(), realm?.timeZone ?? "America/Los_Angeles", true);

  const faultAnswer = (realm: Realm | undefined, error: FaultError | QboFault, status?: number): Answer => {
    const details: QboFault = error instanceof FaultError ? error.fault : error;
    const type = details.type ?? "ValidationFault";
    const statusCode =
      status ??
      (error instanceof FaultError
        ? options.faultsInHttp200 && type === "ValidationFault"
          ? 200
          : 400
        : (details.status ?? 400));
    return {
      status: statusCode,
      body: {
        Fault: {
          Error: [
            {
              Message: details.message,
              Detail: details.detail ?? details.message,
              code: details.code,
              element: details.element ?? "",
            },
          ],
          type,
        },
        time: timeOf(realm),
      },
    };
  };

  /** Intuit's gateway answers 401 and 403 in its own lower-case envelope, not a `Fault`. */
  const gatewayFault = (
    status: 401 | 403,
    message: string,
    code: string,
    type: string,
    detail: string | null,
  ): Answer => ({
    status,
    body: { Fault: { Error: [{ Message: message, Detail: detail ?? message, code }], type }, time: timeOf(undefined) },
    jsonBody: {
      warnings: null,
      intuitObject: null,
      fault: { error: [{ message, detail, code, element: null }], type },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: now(),
      status: null,
      cdcresponse: [],
    },
    ...(status === 401 ? { headers: { "www-authenticate": 'Bearer realm="Intuit", error="invalid_token"' } } : {}),
  });

  const throttled = (): Answer => ({
    status: 429,
    body: {
      Fault: {
        Error: [
          {
            Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
            Detail: "The request limit was reached.  Try again later",
            code: "3001",
          },
        ],
        type: "SERVICE",
      },
      time: timeOf(undefined),
    },
    // Intuit has been seen answering throttling in XML whatever the Accept header asked for.
    xmlOnly: true,
    ...(options.throttle?.retryAfterSeconds === undefined
      ? {}
      : { headers: { "retry-after": String(options.throttle.retryAfterSeconds) } }),
  });

  const wantsJson = (request: FakeRequest) =>
    String(request.headers.accept ?? "")
      .toLowerCase()
      .includes("json");

  const write = (request: FakeRequest, answer: Answer): FakeResponse => {
    const headers = {
      intuit_tid: intuitTid(),
      "cache-control": "max-age=0, no-cache, no-store, must-revalidate, private",
      ...answer.headers,
    };
    if (!answer.xmlOnly && wantsJson(request)) {
      return {
        status: answer.status,
        json: answer.jsonBody ?? answer.body,
        headers: { ...headers, "content-type": "application/json;charset=UTF-8" },
      };
    }
    return {
      status: answer.status,
      text: toIntuitXml(answer.body),
      headers: { ...headers, "content-type": "application/xml;charset=UTF-8" },
    };
  };

  const operationOf = (method: string, segments: string[], query: URLSearchParams): ApiOperation => {
    const [entity, id, action] = segments;
    if (entity === "query") return "query";
    if (entity === "cdc" && method === "GET") return "cdc";
    if (entity === "companyinfo" && method === "GET") return "companyinfo";
    if (!entity || !tables[entity]) return "unsupported";
    if (method === "GET" && id && !action) return "read";
    if (method === "POST" && !id) {
      const operation = query.get("operation");
      if (operation === "void") return "void";
      if (operation === "delete") return "delete";
      if (operation === "update") return "update";
      return "create";
    }
    if (method === "POST" && id && action === "send" && entity === "invoice") return "send";
    return "unsupported";
  };

  const parseBody = (request: FakeRequest): Json => {
    try {
      const parsed = JSON.parse(request.body.toString("utf8") || "null");
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      return parsed as Json;
    } catch (error) {
      throw unsupportedProperty(`Unexpected character (${error instanceof Error ? error.message : String(error)})`);
    }
  };

  const handle = (realm: Realm, request: FakeRequest, segments: string[], operation: ApiOperation): Answer => {
    const [entity = "", id] = segments;
    const time = timeOf(realm);
    const ok = (body: Record<string, unknown>): Answer => ({ status: 200, body: { ...body, time } });
    const table = tables[entity];
    switch (operation) {
      case "read": {
        const record = table?.records(realm).find((candidate) => candidate.id === id);
        if (!table || !record) throw notFound();
        return ok({ [table.name]: table.render(realm, record as never) });
      }
      case "companyinfo":
        if (id !== realm.realmId) throw notFound();
        return ok({ CompanyInfo: renderCompanyInfo(realm) });
      case "query": {
        const queryText =
          request.method === "POST" ? request.body.toString("utf8") : (request.url.searchParams.get("query") ?? "");
        if (!queryText.trim()) throw requiredMissing("query");
        return ok(runQuery(realm, queryText));
      }
      case "cdc":
        return ok(runCdc(realm, request.url.searchParams));
      case "send": {
        const invoice = findInvoice(realm, id ?? "");
        return ok({
          Invoice: renderInvoice(
            realm,
            sendInvoice(realm, invoice, request.url.searchParams.get("sendTo") ?? undefined),
          ),
        });
      }
      default:
        break;
    }
    if (!String(request.headers["content-type"] ?? "").includes("json")) {
      throw unsupportedProperty("Content-Type: this fake takes JSON bodies (application/json) only");
    }
    const body = parseBody(request);
    if (entity === "customer") {
      checkProperties(body, customerProperties, "Customer");
      if (operation === "create" && body.Id === undefined) {
        return ok({ Customer: renderCustomer(realm, saveCustomer(realm, customerInputFromJson(body))) });
      }
      if (operation === "create" || operation === "update") {
        const existing = forUpdate(realm.customers, body);
        const input = mergeSparse(customerInputOf(existing), customerInputFromJson(body), body, {
          DisplayName: ["displayName"],
          CompanyName: ["companyName"],
          GivenName: ["givenName"],
          FamilyName: ["familyName"],
          PrimaryEmailAddr: ["email"],
          WebAddr: ["website"],
          PrimaryPhone: ["phone"],
          BillAddr: ["city", "country"],
          Active: ["active"],
          Notes: ["notes"],
        });
        return ok({ Customer: renderCustomer(realm, saveCustomer(realm, input, existing)) });
      }
      throw fault("500", "Unsupported Operation", `Operation ${operation} is not supported for Customer.`);
    }
    if (entity === "invoice") {
      checkProperties(body, invoiceProperties, "Invoice");
      if (operation === "void" || operation === "delete") {
        const existing = forUpdate(realm.invoices, body);
        if (operation === "void") return ok({ Invoice: renderInvoice(realm, voidInvoice(realm, existing)) });
        deleteInvoice(realm, existing);
        return ok({ Invoice: { domain: "QBO", status: "Deleted", Id: existing.id } });
      }
      if (operation === "create" && body.Id === undefined) {
        return ok({ Invoice: renderInvoice(realm, saveInvoice(realm, invoiceInputFromJson(body))) });
      }
      const existing = forUpdate(realm.invoices, body);
      const input = mergeSparse(invoiceInputOf(existing), invoiceInputFromJson(body), body, {
        CustomerRef: ["customerId"],
        Line: ["lines"],
        TxnDate: ["txnDate"],
        DueDate: ["dueDate"],
        DocNumber: ["docNumber"],
        CurrencyRef: ["currency"],
        BillEmail: ["billEmail"],
        PrivateNote: ["privateNote"],
        CustomerMemo: ["customerMemo"],
      });
      return ok({ Invoice: renderInvoice(realm, saveInvoice(realm, input, existing)) });
    }
    throw fault("500", "Unsupported Operation", `Operation ${operation} on ${entity} is not supported by this fake.`);
  };

  const limiterOf = (key: string) => {
    let limiter = windows.get(key);
    if (!limiter) {
      limiter = { recent: [], inFlight: 0 };
      windows.set(key, limiter);
    }
    return limiter;
  };

  const route: FakeRoute = async (request) => {
    const match = /^\/v3\/company\/([^/]+)\/(.+)$/.exec(request.url.pathname);
    if (!match) return undefined;
    let realmId: string;
    let segments: string[];
    try {
      realmId = decodeURIComponent(match[1] as string);
      const [entity = "", id, action] = (match[2] as string).split("/").map((segment) => decodeURIComponent(segment));
      // Entity names and actions are case-insensitive in QBO's paths; ids keep their case.
      segments = [entity.toLowerCase(), id, action?.toLowerCase()].filter((part) => part !== undefined);
    } catch {
      return { status: 400, text: "Bad Request" };
    }
    const query = request.url.searchParams;
    const operation = operationOf(request.method, segments, query);
    const requestedMinorVersion = query.get("minorversion") ?? undefined;
    const minorVersion = Math.max(minimumMinorVersion, Number.parseInt(requestedMinorVersion ?? "", 10) || 0);
    const requestId = query.get("requestid") ?? undefined;
    const realm = realms.get(realmId);

    const finish = (answer: Answer): FakeResponse => {
      const body = answer.body as { Fault?: { Error?: { code?: string }[] } };
      requestLog.push({
        method: request.method,
        path: request.url.pathname,
        realmId,
        operation,
        requestedMinorVersion,
        minorVersion,
        requestId,
        status: answer.status,
        faultCode: body.Fault?.Error?.[0]?.code,
        at: now(),
      });
      const response = write(request, answer);
      response.headers = { ...response.headers, "x-fake-intuit-minorversion": String(minorVersion) };
      return response;
    };

    const grant = authority.grantOf(request.headers.authorization);
    if (!grant) {
      return finish(
        gatewayFault(
          401,
          "message=AuthenticationFailed; errorCode=003200; statusCode=401",
          "3200",
          "AUTHENTICATION",
          null,
        ),
      );
    }
    if (!realm || grant.realmId !== realmId || !grant.scopes.includes(accountingScope)) {
      return finish(
        gatewayFault(
          403,
          "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
          "3100",
          "SERVICE",
          null,
        ),
      );
    }

    const limiter = limiterOf(`${realmId} ${grant.clientId}`);
    const current = performance.now();
    limiter.recent = limiter.recent.filter((at) => at > current - 60_000);
    const lastSecond = limiter.recent.filter((at) => at > current - 1000).length;
    if (throttledNext > 0) {
      throttledNext -= 1;
      return finish(throttled());
    }
    if (
      limiter.recent.length >= limits.perMinute ||
      lastSecond >= limits.perSecond ||
      limiter.inFlight >= limits.concurrent
    ) {
      return finish(throttled());
    }
    limiter.recent.push(current);
    limiter.inFlight += 1;
    try {
      if (latencyMs > 0) await sleep(latencyMs);
      const injectedIndex = injectedFaults.findIndex((entry) => entry.on === undefined || entry.on === operation);
      if (injectedIndex >= 0) {
        const [injected] = injectedFaults.splice(injectedIndex, 1);
        return finish(faultAnswer(realm, (injected as { fault: QboFault }).fault));
      }
      const idempotent = request.method === "POST" && requestId !== undefined && operation !== "query";
      const key = `${requestId}`;
      if (idempotent) {
        const first = realm.answersByRequestId.get(key);
        if (first) return finish(first);
      }
      let answer: Answer;
      try {
        if (operation === "unsupported") {
          throw fault(
            "500",
            "Unsupported Operation",
            `Operation Could not find resource for relative : ${request.url.pathname} of full path: ${request.url.href} is not supported.`,
          );
        }
        answer = handle(realm, request, segments, operation);
      } catch (error) {
        if (!(error instanceof FaultError)) throw error;
        answer = faultAnswer(realm, error);
      }
      // The same requestid gets the same answer, success or validation fault, and never a second write.
      if (idempotent) realm.answersByRequestId.set(key, answer);
      return finish(answer);
    } finally {
      limiter.inFlight -= 1;
    }
  };

  // --- controls ---------------------------------------------------------------------------------------------

  /** Runs a books operation for the controls, turning a QBO fault into a plain Error. */
  const control = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof FaultError) throw new Error(error.message);
      throw error;
    }
  };

  const controls: FakeBooksControls = {
    realms: () =>
      [...realms.values()].map(({ realmId, companyName, country, homeCurrency, timeZone }) => ({
        realmId,
        companyName,
        country,
        homeCurrency,
        timeZone,
      })),
    customers: (realmId) => {
      const realm = realmOf(realmId);
      return [...realm.customers.values()].sort(byNumericId).map((customer) => renderCustomer(realm, customer));
    },
    invoices: (realmId) => {
      const realm = realmOf(realmId);
      return [...realm.invoices.values()].sort(byNumericId).map((invoice) => renderInvoice(realm, invoice));
    },
    payments: (realmId) => {
      const realm = realmOf(realmId);
      return [...realm.payments.values()].sort(byNumericId).map((payment) => renderPayment(realm, payment));
    },
    items: (realmId) => {
      const realm = realmOf(realmId);
      return [...realm.items.values()].sort(byNumericId).map((item) => renderItem(realm, item));
    },
    createCustomer: (realmId, input) =>
      control(() => {
        const realm = realmOf(realmId);
        return renderCustomer(realm, saveCustomer(realm, input));
      }),
    updateCustomer: (realmId, id, patch) =>
      control(() => {
        const realm = realmOf(realmId);
        const existing = realm.customers.get(id);
        if (!existing) throw notFound();
        return renderCustomer(realm, saveCustomer(realm, { ...customerInputOf(existing), ...patch }, existing));
      }),
    createInvoice: (realmId, input) =>
      control(() => {
        const realm = realmOf(realmId);
        return renderInvoice(realm, saveInvoice(realm, input));
      }),
    updateInvoice: (realmId, id, patch) =>
      control(() => {
        const realm = realmOf(realmId);
        const existing = findInvoice(realm, id);
        return renderInvoice(realm, saveInvoice(realm, { ...invoiceInputOf(existing), ...patch }, existing));
      }),
    sendInvoice: (realmId, id, email) =>
      control(() => {
        const realm = realmOf(realmId);
        return renderInvoice(realm, sendInvoice(realm, findInvoice(realm, id), email));
      }),
    payInvoice: (realmId, invoiceId, amountCents) =>
      control(() => {
        const realm = realmOf(realmId);
        return renderPayment(realm, payInvoice(realm, findInvoice(realm, invoiceId), amountCents));
      }),
    voidInvoice: (realmId, id) =>
      control(() => {
        const realm = realmOf(realmId);
        return renderInvoice(realm, voidInvoice(realm, findInvoice(realm, id)));
      }),
    deleteInvoice: (realmId, id) =>
      control(() => {
        const realm = realmOf(realmId);
        deleteInvoice(realm, findInvoice(realm, id));
      }),
    deletePayment: (realmId, id) => control(() => deletePayment(realmOf(realmId), id)),
    faultNext: (injected, { count = 1, on } = {}) => {
      for (let index = 0; index < count; index += 1) injectedFaults.push({ fault: injected, on });
    },
    throttleNext: (count = 1) => {
      throttledNext += count;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    requests: () => requestLog.map((entry) => ({ ...entry })),
    changes: () => changeLog.map((entry) => ({ ...entry })),
  };

  return { route, controls };
}
