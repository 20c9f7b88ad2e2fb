import { dateIn, type RealmSeed } from "./demo-books";
import { currencyNames, fromCents, qboTime, toCents } from "./qbo-format";

// ---------------------------------------------------------------------------------------------------------------
// QBO's JSON shapes, changes, and what the controls take

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
/** The books' controls: each change feeds CDC and the webhook emitter like a bookkeeper's edit in QuickBooks. */
export type BooksControls = {
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
  /** Every change so far, oldest first. */
  changes(): EntityChange[];
};

// ---------------------------------------------------------------------------------------------------------------
// The records behind the JSON: amounts in integer cents, times in epoch milliseconds

export type Meta = { id: string; createdAt: number; updatedAt: number; syncToken: number };
export type CustomerRecord = Meta &
  Omit<CustomerInput, "currency" | "active"> & { id: string; currency: string; active: boolean };
export type ItemRecord = Meta & {
  id: string;
  name: string;
  description?: string;
  unitPriceCents: number;
  active: boolean;
};
export type LineRecord = {
  itemId: string;
  description?: string;
  quantity?: number;
  unitPrice?: number;
  amountCents: number;
};
export type InvoiceRecord = Meta & {
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
export type PaymentRecord = Meta & {
  id: string;
  customerId: string;
  currency: string;
  txnDate: string;
  lines: { invoiceId: string; amountCents: number }[];
};
export type Tombstone = { entity: BooksEntity; id: string; deletedAt: number };

export type Realm = Omit<RealmSeed, "customers" | "items" | "invoices" | "payments"> & {
  customers: Map<string, CustomerRecord>;
  items: Map<string, ItemRecord>;
  invoices: Map<string, InvoiceRecord>;
  payments: Map<string, PaymentRecord>;
  tombstones: Tombstone[];
  nextCustomerId: number;
  nextItemId: number;
  nextTxnId: number;
  nextDocNumber: number;
};

/** A Fault's content: QBO's code, message, detail and type. */
export type FaultDetails = { code: string; message: string; detail: string; type: string };

/** Thrown by the books' operations; the API turns it into a Fault body, the controls into an Error. */
export class FaultError extends Error {
  constructor(readonly fault: FaultDetails) {
    super(`${fault.message} (${fault.code}): ${fault.detail}`);
  }
}

export const fault = (code: string, message: string, detail: string, type = "ValidationFault") =>
  new FaultError({ code, message, detail, type });
export const notFound = () =>
  fault(
    "610",
    "Object Not Found",
    "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
  );
export const invalidReference = (what: string) =>
  fault(
    "2500",
    "Invalid Reference Id",
    `Invalid Reference Id : ${what} assigned to this transaction has been deleted or made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
  );
export const requiredMissing = (parameter: string) =>
  fault(
    "2020",
    "Required param missing, need to supply the required value for the API",
    `Required parameter ${parameter} is missing in the request`,
  );
export const unsupportedProperty = (detail: string) =>
  fault(
    "2010",
    "Request has invalid or unsupported property",
    `Property Name:${detail} specified is unsupported or invalid`,
  );
export const businessValidation = (detail: string) =>
  fault(
    "6000",
    "A business validation error has occurred while processing your request",
    `Business Validation Error: ${detail}`,
  );
export const staleObject = () =>
  fault(
    "5010",
    "Stale Object Error",
    "Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved.",
  );

export const day = 24 * 3600 * 1000;
/** Fixed rates against USD so foreign-currency documents carry a plausible ExchangeRate. */
const usdPerUnit: Record<string, number> = { USD: 1, EUR: 1.08, GBP: 1.27, CAD: 0.73, AUD: 0.65 };
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** A unit price keeps its decimals (QBO allows more than two), without float noise such as 19.989999999999998. */
const unitPriceOf = (cents: number) => Number((cents / 100).toPrecision(12));
export const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * day).toISOString().slice(0, 10);
export const byNumericId = (a: { id: string }, b: { id: string }) =>
  Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export type BooksOptions = {
  seed: RealmSeed[];
  now: () => number;
  onChange?: (change: EntityChange) => void;
};

export type Books = ReturnType<typeof createBooks>;

/** The companies' books: records, their QBO JSON, and the operations the API and the controls share. */
export function createBooks(options: BooksOptions) {
  const { now } = options;
  const realms = new Map<string, Realm>();
  const changeLog: EntityChange[] = [];

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

  const openBalanceOf = (realm: Realm, customerId: string) =>
    [...realm.invoices.values()]
      .filter((invoice) => invoice.customerId === customerId)
      .reduce((sum, invoice) => sum + balanceOf(realm, invoice), 0);

  const renderCustomer = (realm: Realm, customer: CustomerRecord): QboCustomer => {
    const balance = fromCents(openBalanceOf(realm, customer.id));
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
    if (existing?.active && input.active === false && openBalanceOf(realm, existing.id) > 0) {
      throw businessValidation("You can't make a customer with an open balance inactive.");
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

  /** Runs a books operation for the controls, turning a QBO fault into a plain Error. */
  const control = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof FaultError) throw new Error(error.message);
      throw error;
    }
  };

  const controls: BooksControls = {
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
    changes: () => changeLog.map((entry) => ({ ...entry })),
  };

  return {
    realms,
    realmOf,
    renderCustomer,
    renderInvoice,
    renderPayment,
    renderItem,
    renderCompanyInfo,
    saveCustomer,
    customerInputOf,
    saveInvoice,
    invoiceInputOf,
    findInvoice,
    voidInvoice,
    deleteInvoice,
    sendInvoice,
    controls,
  };
}
