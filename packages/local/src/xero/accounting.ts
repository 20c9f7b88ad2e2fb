import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { XeroOrganisationSeed } from "./demo-organisations";
import type { XeroAccess, XeroAuthority } from "./identity";
import type { XeroResourceChange } from "./webhooks";
import { parseWhere, WhereParseError } from "./where-filter";
import {
  apiException,
  gatewayProblem,
  header,
  isGuid,
  parseXeroDate,
  startOfDay,
  type XeroRequest,
  type XeroResponse,
  type XeroRoute,
  type XeroTenant,
  xeroDate,
  xeroDateString,
} from "./xero-http";

// ---------------------------------------------------------------------------------------------------------------
// Public types

export type XeroInvoiceStatus = "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED" | "DELETED";
export type XeroLineAmountTypes = "Exclusive" | "Inclusive" | "NoTax";

/** A contact as the API shows it. */
export type XeroContactJson = {
  ContactID: string;
  ContactStatus: "ACTIVE" | "ARCHIVED";
  Name: string;
  FirstName?: string;
  LastName?: string;
  EmailAddress?: string;
  /** Read-only in Xero's API: shown, never taken from a request. */
  Website?: string;
  Addresses: { AddressType: "STREET" | "POBOX"; City?: string; Country?: string }[];
  Phones: { PhoneType: "DEFAULT" | "MOBILE" | "FAX" | "DDI" }[];
  ContactPersons?: { FirstName: string; LastName: string; EmailAddress: string; IncludeInEmails: boolean }[];
  DefaultCurrency?: string;
  UpdatedDateUTC: string;
  ContactGroups: unknown[];
  IsSupplier: boolean;
  IsCustomer: boolean;
  HasAttachments: boolean;
  HasValidationErrors: boolean;
};

/** An invoice as the API shows it (LineItems only on pages and single reads, as Xero's unpaged list omits them). */
export type XeroInvoiceJson = {
  Type: "ACCREC" | "ACCPAY";
  InvoiceID: string;
  InvoiceNumber: string;
  Reference?: string;
  Payments: { PaymentID: string; Date: string; Amount: number; Reference?: string; CurrencyRate: number }[];
  CreditNotes: unknown[];
  Prepayments: unknown[];
  Overpayments: unknown[];
  AmountDue: number;
  AmountPaid: number;
  AmountCredited: number;
  CurrencyRate: number;
  IsDiscounted: boolean;
  HasAttachments: boolean;
  HasErrors: boolean;
  Contact: { ContactID: string; Name: string };
  DateString: string;
  Date: string;
  DueDateString?: string;
  DueDate?: string;
  Status: XeroInvoiceStatus;
  LineAmountTypes: XeroLineAmountTypes;
  LineItems?: {
    LineItemID: string;
    Description: string;
    Quantity: number;
    UnitAmount: number;
    AccountCode: string;
    TaxType: string;
    TaxAmount: number;
    LineAmount: number;
    Tracking: unknown[];
  }[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  UpdatedDateUTC: string;
  CurrencyCode: string;
  FullyPaidOnDate?: string;
  SentToContact: boolean;
};

/** A payment as the API shows it. */
export type XeroPaymentJson = {
  PaymentID: string;
  Date: string;
  BankAmount: number;
  Amount: number;
  Reference?: string;
  CurrencyRate: number;
  PaymentType: "ACCRECPAYMENT" | "ACCPAYPAYMENT";
  Status: "AUTHORISED" | "DELETED";
  UpdatedDateUTC: string;
  HasAccount: boolean;
  IsReconciled: boolean;
  Account: { AccountID: string; Code: string };
  Invoice: {
    InvoiceID: string;
    InvoiceNumber: string;
    Type: "ACCREC" | "ACCPAY";
    Contact: { ContactID: string; Name: string };
    CurrencyCode: string;
  };
  HasValidationErrors: boolean;
};

/** A line of an invoice to create through the controls (Xero's defaults fill the rest). */
export type XeroLineItemInput = {
  description: string;
  quantity?: number;
  unitAmount: number;
  accountCode?: string;
  taxType?: string;
};

export type XeroInvoiceInput = {
  contactId: string;
  type?: "ACCREC" | "ACCPAY";
  status?: "DRAFT" | "SUBMITTED" | "AUTHORISED";
  lineItems?: XeroLineItemInput[];
  /** Epoch milliseconds or a date string; default today. */
  date?: number | string;
  dueDate?: number | string;
  currencyCode?: string;
  reference?: string;
  invoiceNumber?: string;
  lineAmountTypes?: XeroLineAmountTypes;
};

export type XeroContactInput = {
  name: string;
  emailAddress?: string;
  /** Read-only in Xero's API (set in Xero's UI); the controls can set it. */
  website?: string;
  defaultCurrency?: string;
  firstName?: string;
  lastName?: string;
};

/** Which limit a 429 names in `X-Rate-Limit-Problem`. */
export type XeroRateLimitProblem = "minute" | "day" | "concurrent" | "appminute";

export type XeroRateLimits = {
  /** Calls per tenant per minute (rolling, on the fake's clock); Xero: 60. */
  perMinute?: number;
  /** Calls per tenant per rolling 24 hours; Xero: 5,000 (1,000 on the Starter tier since March 2026). */
  perDay?: number;
  /** Calls in progress per tenant; Xero: 5. */
  concurrent?: number;
  /** Calls per app per minute across tenants; Xero: 10,000. */
  appPerMinute?: number;
};

export type XeroApiRequestRecord = {
  method: string;
  path: string;
  tenantId: string | undefined;
  status: number;
  rateLimitProblem?: XeroRateLimitProblem;
  idempotencyKey?: string;
  /** The answer was the stored one of an earlier request with the same Idempotency-Key. */
  replayed?: boolean;
};

/** Test and demo controls of the Accounting API; every change bumps UpdatedDateUTC and raises a webhook event. */
export type FakeXeroAccountingControls = {
  contacts(tenantId: string): XeroContactJson[];
  invoices(tenantId: string): XeroInvoiceJson[];
  payments(tenantId: string): XeroPaymentJson[];
  createContact(tenantId: string, input: XeroContactInput): XeroContactJson;
  updateContact(tenantId: string, contactId: string, patch: Partial<XeroContactInput>): XeroContactJson;
  archiveContact(tenantId: string, contactId: string): XeroContactJson;
  createInvoice(tenantId: string, input: XeroInvoiceInput): XeroInvoiceJson;
  /** Changes the reference, due date or (for drafts) lines of an invoice. */
  updateInvoice(
    tenantId: string,
    invoiceId: string,
    patch: Partial<Pick<XeroInvoiceInput, "reference" | "dueDate" | "lineItems">>,
  ): XeroInvoiceJson;
  /** DRAFT or SUBMITTED → AUTHORISED (as approving it in Xero). */
  authoriseInvoice(tenantId: string, invoiceId: string): XeroInvoiceJson;
  /** Pays an authorised invoice (in full by default); a payment of the whole amount due makes it PAID. */
  payInvoice(
    tenantId: string,
    invoiceId: string,
    payment?: { amount?: number; date?: number | string; reference?: string },
  ): XeroPaymentJson;
  /** Removes a payment (its status becomes DELETED); a PAID invoice goes back to AUTHORISED. */
  deletePayment(tenantId: string, paymentId: string): XeroPaymentJson;
  /** Voids a SUBMITTED or AUTHORISED invoice without payments. */
  voidInvoice(tenantId: string, invoiceId: string): XeroInvoiceJson;
  /** Deletes a DRAFT or SUBMITTED invoice. */
  deleteInvoice(tenantId: string, invoiceId: string): XeroInvoiceJson;
  /** The next `count` API calls answer 429 for this limit (Retry-After as given, or as Xero would). */
  throttleNext(count: number, problem: XeroRateLimitProblem, retryAfterSeconds?: number): void;
  /** The next `count` API calls fail with this status (500, 503). */
  failNext(count: number, status: number): void;
  /** Every API call takes this long from now on (0 turns it off), so calls overlap and the concurrent limit bites. */
  delayResponses(ms: number): void;
  /** What the rate-limit headers would say now for a tenant (and app). */
  limits(tenantId: string, clientId?: string): { day: number; minute: number; appMinute: number };
  /**
   * The most calls a tenant had in progress at once (of one app, or of the busiest when omitted) since the start
   * or `resetLimits`: what Xero's concurrent limit measures.
   */
  peakConcurrency(tenantId: string, clientId?: string): number;
  resetLimits(): void;
  requests(): XeroApiRequestRecord[];
};

export type FakeXeroAccountingOptions = {
  organisations: XeroOrganisationSeed[];
  authority: XeroAuthority;
  limits?: XeroRateLimits;
  /**
   * How long an Idempotency-Key's answer is kept; default 6 minutes (reported, not documented, INTEGRATIONS.md §5).
   * Only successful answers are kept, so a refused request can be corrected and sent again with the same key.
   */
  idempotencyKeyTtlMs?: number;
  /** Called for every created or changed contact and invoice (the webhook emitter listens). */
  onChange?: (change: XeroResourceChange) => void;
  /** `ProviderName` in response envelopes: the app's name. */
  appName?: (clientId: string) => string;
};

export type FakeXeroAccounting = { route: XeroRoute; controls: FakeXeroAccountingControls };

// ---------------------------------------------------------------------------------------------------------------
// Internal model

type Contact = {
  contactId: string;
  name: string;
  firstName?: string;
  lastName?: string;
  emailAddress?: string;
  website?: string;
  defaultCurrency?: string;
  address?: { city: string; country: string };
  contactPersons: { firstName: string; lastName: string; emailAddress: string }[];
  status: "ACTIVE" | "ARCHIVED";
  updatedAt: number;
  order: number;
};

type LineItem = {
  lineItemId: string;
  description: string;
  quantity: number;
  unitAmount: number;
  accountCode: string;
  taxType: string;
  taxAmount: number;
  lineAmount: number;
};

type Invoice = {
  invoiceId: string;
  type: "ACCREC" | "ACCPAY";
  invoiceNumber: string;
  reference?: string;
  contactId: string;
  status: XeroInvoiceStatus;
  date: number;
  dueDate?: number;
  currencyCode: string;
  lineAmountTypes: XeroLineAmountTypes;
  lineItems: LineItem[];
  paymentIds: string[];
  fullyPaidOn?: number;
  updatedAt: number;
  order: number;
};

type Payment = {
  paymentId: string;
  invoiceId: string;
  date: number;
  amount: number;
  reference?: string;
  status: "AUTHORISED" | "DELETED";
  updatedAt: number;
  order: number;
};

type Organisation = {
  tenant: XeroTenant;
  taxRates: Record<string, number>;
  salesTaxType: string;
  contacts: Map<string, Contact>;
  invoices: Map<string, Invoice>;
  payments: Map<string, Payment>;
  nextInvoiceNumber: number;
  createdAt: number;
};

/** Validation messages for one element; empty when it is valid. */
type Problems = string[];

class ValidationFailure extends Error {
  constructor(readonly problems: Problems) {
    super(problems.join(" "));
  }
}

const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

/** Units of a currency per US dollar, fixed, for CurrencyRate on foreign-currency invoices. */
const usdRates: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79, AUD: 1.52, NZD: 1.66, CAD: 1.37 };
const bankAccount = { AccountID: "5f9cd7e6-0b5f-4c0e-9d17-8b8d6b1a7c01", Code: "090" };

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const minute = 60_000;
const day = 24 * 60 * minute;

const scopesFor = {
  Contacts: { read: ["accounting.contacts", "accounting.contacts.read"], write: ["accounting.contacts"] },
  Invoices: {
    read: [
      "accounting.invoices",
      "accounting.invoices.read",
      "accounting.transactions",
      "accounting.transactions.read",
    ],
    write: ["accounting.invoices", "accounting.transactions"],
  },
  Payments: {
    read: [
      "accounting.payments",
      "accounting.payments.read",
      "accounting.transactions",
      "accounting.transactions.read",
    ],
    write: ["accounting.payments", "accounting.transactions"],
  },
  Organisation: { read: ["accounting.settings", "accounting.settings.read"], write: ["accounting.settings"] },
} as const;
type Resource = keyof typeof scopesFor;

/** JSON with sorted keys, so two requests with the same content compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const asString = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
const asNumber = (value: unknown) => {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
};
const toDay = (value: number | string | undefined) => {
  if (value === undefined) return undefined;
  const instant = typeof value === "number" ? value : parseXeroDate(value);
  return instant === undefined ? undefined : startOfDay(instant);
};

// ---------------------------------------------------------------------------------------------------------------
// The Accounting API

/** Xero's Accounting API for Contacts, Invoices, Payments and Organisation, with its limits and error bodies. */
export function createFakeXeroAccounting(options: FakeXeroAccountingOptions): FakeXeroAccounting {
  const { authority } = options;
  const now = authority.now;
  const limits = {
    perMinute: options.limits?.perMinute ?? 60,
    perDay: options.limits?.perDay ?? 5_000,
    concurrent: options.limits?.concurrent ?? 5,
    appPerMinute: options.limits?.appPerMinute ?? 10_000,
  };
  const idempotencyTtlMs = options.idempotencyKeyTtlMs ?? 6 * minute;
  const organisations = new Map<string, Organisation>();
  let order = 0;

  for (const seed of options.organisations) {
    const organisation: Organisation = {
      tenant: seed.tenant,
      taxRates: seed.taxRates,
      salesTaxType: seed.salesTaxType,
      contacts: new Map(),
      invoices: new Map(),
      payments: new Map(),
      nextInvoiceNumber: 1,
      createdAt: now(),
    };
    for (const contact of seed.contacts) {
      organisation.contacts.set(contact.contactId, {
        contactId: contact.contactId,
        name: contact.name,
        ...(contact.emailAddress ? { emailAddress: contact.emailAddress } : {}),
        ...(contact.website ? { website: contact.website } : {}),
        ...(contact.defaultCurrency ? { defaultCurrency: contact.defaultCurrency } : {}),
        ...(contact.address ? { address: contact.address } : {}),
        contactPersons: contact.contactPersons ?? [],
        status: "ACTIVE",
        updatedAt: contact.updatedAt,
        order: order++,
      });
    }
    for (const seeded of seed.invoices) {
      const invoice: Invoice = {
        invoiceId: seeded.invoiceId,
        type: seeded.type,
        invoiceNumber: seeded.invoiceNumber,
        ...(seeded.reference ? { reference: seeded.reference } : {}),
        contactId: seeded.contactId,
        status: seeded.status === "PAID" ? "AUTHORISED" : seeded.status,
        date: seeded.date,
        dueDate: seeded.dueDate,
        currencyCode: seeded.currencyCode,
        lineAmountTypes: seeded.lineAmountTypes,
        lineItems: [],
        paymentIds: [],
        updatedAt: seeded.date,
        order: order++,
      };
      invoice.lineItems = seeded.lineItems.map((line, index) =>
        priceLine(organisation, invoice.lineAmountTypes, {
          lineItemId: `${seeded.invoiceId.slice(0, 24)}${String(index).padStart(12, "0")}`,
          description: line.description,
          quantity: line.quantity,
          unitAmount: line.unitAmount,
          accountCode: line.accountCode,
          taxType: line.taxType,
        }),
      );
      organisation.invoices.set(invoice.invoiceId, invoice);
      let paid = 0;
      const total = totals(invoice).total;
      seeded.payments.forEach((seededPayment, index) => {
        const last = index === seeded.payments.length - 1 && seeded.status === "PAID";
        const amount = last ? round2(total - paid) : round2(total * seededPayment.fraction);
        paid = round2(paid + amount);
        organisation.payments.set(seededPayment.paymentId, {
          paymentId: seededPayment.paymentId,
          invoiceId: invoice.invoiceId,
          date: seededPayment.date,
          amount,
          status: "AUTHORISED",
          updatedAt: seededPayment.date,
          order: order++,
        });
        invoice.paymentIds.push(seededPayment.paymentId);
        invoice.updatedAt = Math.max(invoice.updatedAt, seededPayment.date);
      });
      if (seeded.status === "PAID") {
        invoice.status = "PAID";
        invoice.fullyPaidOn = seeded.payments.at(-1)?.date ?? seeded.date;
      }
      if (seeded.type === "ACCREC") {
        const number = Number(/^INV-(\d+)$/.exec(seeded.invoiceNumber)?.[1] ?? 0);
        organisation.nextInvoiceNumber = Math.max(organisation.nextInvoiceNumber, number + 1);
      }
    }
    organisations.set(seed.tenant.tenantId, organisation);
  }

  // --- pricing and JSON -----------------------------------------------------------------------------------------

  function priceLine(
    organisation: Organisation,
    lineAmountTypes: XeroLineAmountTypes,
    line: Omit<LineItem, "taxAmount" | "lineAmount">,
  ): LineItem {
    const lineAmount = round2(line.quantity * line.unitAmount);
    const taxType = lineAmountTypes === "NoTax" ? "NONE" : line.taxType;
    const rate = organisation.taxRates[taxType] ?? 0;
    const taxAmount =
      lineAmountTypes === "NoTax"
        ? 0
        : lineAmountTypes === "Exclusive"
          ? round2(lineAmount * rate)
          : round2(lineAmount - lineAmount / (1 + rate));
    return { ...line, taxType, taxAmount, lineAmount };
  }

  function totals(invoice: Invoice) {
    const lines = invoice.lineItems.reduce((sum, line) => sum + line.lineAmount, 0);
    const totalTax = round2(invoice.lineItems.reduce((sum, line) => sum + line.taxAmount, 0));
    const subTotal = round2(invoice.lineAmountTypes === "Inclusive" ? lines - totalTax : lines);
    return { subTotal, totalTax, total: round2(subTotal + totalTax) };
  }

  const organisationOf = (tenantId: string) => {
    const organisation = organisations.get(tenantId);
    if (!organisation) throw new Error(`No such fake Xero tenant: ${tenantId}`);
    return organisation;
  };

  const livePayments = (organisation: Organisation, invoice: Invoice) =>
    invoice.paymentIds
      .map((id) => organisation.payments.get(id) as Payment)
      .filter((payment) => payment.status === "AUTHORISED");

  const currencyRate = (organisation: Organisation, currency: string) =>
    round2(((usdRates[currency] ?? 1) / (usdRates[organisation.tenant.baseCurrency] ?? 1)) * 1_000_000) / 1_000_000;

  const contactJson = (organisation: Organisation, contact: Contact): XeroContactJson => {
    const invoices = [...organisation.invoices.values()].filter(
      (invoice) => invoice.contactId === contact.contactId && invoice.status !== "DELETED",
    );
    return {
      ContactID: contact.contactId,
      ContactStatus: contact.status,
      Name: contact.name,
      ...(contact.firstName ? { FirstName: contact.firstName } : {}),
      ...(contact.lastName ? { LastName: contact.lastName } : {}),
      ...(contact.emailAddress ? { EmailAddress: contact.emailAddress } : {}),
      ...(contact.website ? { Website: contact.website } : {}),
      Addresses: [
        { AddressType: "STREET" },
        {
          AddressType: "POBOX",
          ...(contact.address ? { City: contact.address.city, Country: contact.address.country } : {}),
        },
      ],
      Phones: [{ PhoneType: "DEFAULT" }, { PhoneType: "DDI" }, { PhoneType: "FAX" }, { PhoneType: "MOBILE" }],
      ...(contact.contactPersons.length > 0
        ? {
            ContactPersons: contact.contactPersons.map((person) => ({
              FirstName: person.firstName,
              LastName: person.lastName,
              EmailAddress: person.emailAddress,
              IncludeInEmails: true,
            })),
          }
        : {}),
      ...(contact.defaultCurrency ? { DefaultCurrency: contact.defaultCurrency } : {}),
      UpdatedDateUTC: xeroDate(contact.updatedAt),
      ContactGroups: [],
      // Read-only in Xero: whether the contact has sales invoices (customer) or bills (supplier).
      IsSupplier: invoices.some((invoice) => invoice.type === "ACCPAY"),
      IsCustomer: invoices.some((invoice) => invoice.type === "ACCREC"),
      HasAttachments: false,
      HasValidationErrors: false,
    };
  };

  const invoiceJson = (organisation: Organisation, invoice: Invoice, withLines = true): XeroInvoiceJson => {
    const contact = organisation.contacts.get(invoice.contactId) as Contact;
    const payments = livePayments(organisation, invoice);
    const { subTotal, totalTax, total } = totals(invoice);
    const amountPaid = round2(payments.reduce((sum, payment) => sum + payment.amount, 0));
    const rate = currencyRate(organisation, invoice.currencyCode);
    const closed = invoice.status === "VOIDED" || invoice.status === "DELETED";
    return {
      Type: invoice.type,
      InvoiceID: invoice.invoiceId,
      InvoiceNumber: invoice.invoiceNumber,
      ...(invoice.reference ? { Reference: invoice.reference } : {}),
      Payments: payments.map((payment) => ({
        PaymentID: payment.paymentId,
        Date: xeroDate(payment.date),
        Amount: payment.amount,
        ...(payment.reference ? { Reference: payment.reference } : {}),
        CurrencyRate: rate,
      })),
      CreditNotes: [],
      Prepayments: [],
      Overpayments: [],
      AmountDue: closed ? 0 : round2(total - amountPaid),
      AmountPaid: amountPaid,
      AmountCredited: 0,
      CurrencyRate: rate,
      IsDiscounted: false,
      HasAttachments: false,
      HasErrors: false,
      Contact: { ContactID: contact.contactId, Name: contact.name },
      DateString: xeroDateString(invoice.date),
      Date: xeroDate(invoice.date),
      ...(invoice.dueDate === undefined
        ? {}
        : { DueDateString: xeroDateString(invoice.dueDate), DueDate: xeroDate(invoice.dueDate) }),
      Status: invoice.status,
      LineAmountTypes: invoice.lineAmountTypes,
      ...(withLines
        ? {
            LineItems: invoice.lineItems.map((line) => ({
              LineItemID: line.lineItemId,
              Description: line.description,
              Quantity: line.quantity,
              UnitAmount: line.unitAmount,
              AccountCode: line.accountCode,
              TaxType: line.taxType,
              TaxAmount: line.taxAmount,
              LineAmount: line.lineAmount,
              Tracking: [],
            })),
          }
        : {}),
      SubTotal: subTotal,
      TotalTax: totalTax,
      Total: total,
      UpdatedDateUTC: xeroDate(invoice.updatedAt),
      CurrencyCode: invoice.currencyCode,
      ...(invoice.fullyPaidOn === undefined ? {} : { FullyPaidOnDate: xeroDate(invoice.fullyPaidOn) }),
      SentToContact: false,
    };
  };

  const paymentJson = (organisation: Organisation, payment: Payment): XeroPaymentJson => {
    const invoice = organisation.invoices.get(payment.invoiceId) as Invoice;
    const contact = organisation.contacts.get(invoice.contactId) as Contact;
    const rate = currencyRate(organisation, invoice.currencyCode);
    return {
      PaymentID: payment.paymentId,
      Date: xeroDate(payment.date),
      BankAmount: payment.amount,
      Amount: payment.amount,
      ...(payment.reference ? { Reference: payment.reference } : {}),
      CurrencyRate: rate,
      PaymentType: invoice.type === "ACCREC" ? "ACCRECPAYMENT" : "ACCPAYPAYMENT",
      Status: payment.status,
      UpdatedDateUTC: xeroDate(payment.updatedAt),
      HasAccount: true,
      IsReconciled: false,
      Account: bankAccount,
      Invoice: {
        InvoiceID: invoice.invoiceId,
        InvoiceNumber: invoice.invoiceNumber,
        Type: invoice.type,
        Contact: { ContactID: contact.contactId, Name: contact.name },
        CurrencyCode: invoice.currencyCode,
      },
      HasValidationErrors: false,
    };
  };

  // --- changes (shared by the API and the controls) -------------------------------------------------------------

  /** A change's UpdatedDateUTC: the fake's now, but never before the record's previous one. */
  const touch = (record: { updatedAt: number; order: number }) => {
    record.updatedAt = Math.max(now(), record.updatedAt);
    record.order = order++;
  };

  /** Changes of an API batch wait here until the batch is saved, so a refused batch raises no events. */
  let heldChanges: XeroResourceChange[] | undefined;
  const changed = (
    tenantId: string,
    category: XeroResourceChange["category"],
    type: XeroResourceChange["type"],
    resourceId: string,
  ) => {
    const change = { tenantId, category, type, resourceId };
    if (heldChanges) heldChanges.push(change);
    else options.onChange?.(change);
  };

  const activeNameTaken = (organisation: Organisation, name: string, except?: string) =>
    [...organisation.contacts.values()].some(
      (contact) =>
        contact.status === "ACTIVE" &&
        contact.contactId !== except &&
        contact.name.trim().toLowerCase() === name.trim().toLowerCase(),
    );

  function checkContact(organisation: Organisation, input: Partial<XeroContactInput>, existing?: Contact): Problems {
    const problems: Problems = [];
    const name = input.name ?? existing?.name;
    if (!name || name.trim() === "") problems.push("Contact Name is required.");
    else if (name.length > 255) problems.push("Contact Name must not be more than 255 characters long.");
    else if (activeNameTaken(organisation, name, existing?.contactId)) {
      problems.push(
        `The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`,
      );
    }
    if (input.emailAddress !== undefined && input.emailAddress !== "" && !emailPattern.test(input.emailAddress)) {
      problems.push("Email address must be valid.");
    }
    return problems;
  }

  function createContact(organisation: Organisation, input: XeroContactInput): Contact {
    const problems = checkContact(organisation, input);
    if (problems.length > 0) throw new ValidationFailure(problems);
    const contact: Contact = {
      contactId: randomUUID(),
      name: input.name.trim(),
      ...(input.firstName ? { firstName: input.firstName } : {}),
      ...(input.lastName ? { lastName: input.lastName } : {}),
      ...(input.emailAddress ? { emailAddress: input.emailAddress } : {}),
      ...(input.website ? { website: input.website } : {}),
      ...(input.defaultCurrency ? { defaultCurrency: input.defaultCurrency } : {}),
      contactPersons: [],
      status: "ACTIVE",
      updatedAt: now(),
      order: order++,
    };
    organisation.contacts.set(contact.contactId, contact);
    changed(organisation.tenant.tenantId, "CONTACT", "CREATE", contact.contactId);
    return contact;
  }

  function updateContact(organisation: Organisation, contact: Contact, patch: Partial<XeroContactInput>): Contact {
    const problems = checkContact(organisation, patch, contact);
    if (problems.length > 0) throw new ValidationFailure(problems);
    if (patch.name !== undefined) contact.name = patch.name.trim();
    if (patch.emailAddress !== undefined) contact.emailAddress = patch.emailAddress || undefined;
    if (patch.website !== undefined) contact.website = patch.website || undefined;
    if (patch.defaultCurrency !== undefined) contact.defaultCurrency = patch.defaultCurrency;
    if (patch.firstName !== undefined) contact.firstName = patch.firstName;
    if (patch.lastName !== undefined) contact.lastName = patch.lastName;
    touch(contact);
    changed(organisation.tenant.tenantId, "CONTACT", "UPDATE", contact.contactId);
    return contact;
  }

  const currencies = (organisation: Organisation) => new Set([organisation.tenant.baseCurrency, "USD", "EUR", "GBP"]);

  /** Builds priced lines, or the problems with them. */
  function buildLines(
    organisation: Organisation,
    type: "ACCREC" | "ACCPAY",
    lineAmountTypes: XeroLineAmountTypes,
    lines: XeroLineItemInput[],
    problems: Problems,
  ): LineItem[] {
    return lines.map((line) => {
      const taxType = line.taxType ?? (type === "ACCREC" ? organisation.salesTaxType : "NONE");
      if (lineAmountTypes !== "NoTax" && organisation.taxRates[taxType] === undefined) {
        problems.push(`The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`);
      }
      if (!line.description || line.description.trim() === "") problems.push("Description is required.");
      const quantity = line.quantity ?? 1;
      if (!Number.isFinite(quantity) || !Number.isFinite(line.unitAmount)) {
        problems.push("Quantity and UnitAmount must be numbers.");
      }
      return priceLine(organisation, lineAmountTypes, {
        lineItemId: randomUUID(),
        description: line.description ?? "",
        quantity,
        unitAmount: line.unitAmount,
        accountCode: line.accountCode ?? (type === "ACCREC" ? "200" : "400"),
        taxType,
      });
    });
  }

  function createInvoice(organisation: Organisation, input: XeroInvoiceInput): Invoice {
    const problems: Problems = [];
    const type = input.type ?? "ACCREC";
    const contact = organisation.contacts.get(input.contactId);
    if (!contact) problems.push(`The contact with ID ${input.contactId} could not be found.`);
    else if (contact.status === "ARCHIVED") problems.push("The contact is archived and cannot be used.");
    const status = input.status ?? "DRAFT";
    if (!["DRAFT", "SUBMITTED", "AUTHORISED"].includes(status)) {
      problems.push("Invoice Status must be DRAFT, SUBMITTED or AUTHORISED when an invoice is created.");
    }
    const currencyCode = input.currencyCode ?? contact?.defaultCurrency ?? organisation.tenant.baseCurrency;
    if (!currencies(organisation).has(currencyCode)) {
      problems.push(`The currency code ${currencyCode} is not enabled for this organisation.`);
    }
    const lineAmountTypes = input.lineAmountTypes ?? "Exclusive";
    if (!["Exclusive", "Inclusive", "NoTax"].includes(lineAmountTypes)) {
      problems.push(`'${lineAmountTypes}' is not a valid LineAmountTypes value.`);
    }
    const date = toDay(input.date) ?? startOfDay(now());
    const dueDate = toDay(input.dueDate);
    if (input.dueDate !== undefined && dueDate === undefined) problems.push("Due Date is not a valid date.");
    if (status === "AUTHORISED" && dueDate === undefined) problems.push("Due Date is required.");
    const lineItems = buildLines(organisation, type, lineAmountTypes, input.lineItems ?? [], problems);
    if (status !== "DRAFT" && lineItems.length === 0) problems.push("At least one line item is required.");
    let invoiceNumber = input.invoiceNumber?.trim();
    if (
      invoiceNumber &&
      [...organisation.invoices.values()].some(
        (other) => other.type === type && other.invoiceNumber.toLowerCase() === invoiceNumber?.toLowerCase(),
      )
    ) {
      problems.push("Invoice # must be unique.");
    }
    if (problems.length > 0) throw new ValidationFailure(problems);
    if (!invoiceNumber && type === "ACCREC") {
      invoiceNumber = `INV-${String(organisation.nextInvoiceNumber++).padStart(4, "0")}`;
    }
    const invoice: Invoice = {
      invoiceId: randomUUID(),
      type,
      invoiceNumber: invoiceNumber ?? "",
      ...(input.reference ? { reference: input.reference } : {}),
      contactId: input.contactId,
      status,
      date,
      ...(dueDate === undefined ? {} : { dueDate }),
      currencyCode,
      lineAmountTypes,
      lineItems,
      paymentIds: [],
      updatedAt: now(),
      order: order++,
    };
    organisation.invoices.set(invoice.invoiceId, invoice);
    changed(organisation.tenant.tenantId, "INVOICE", "CREATE", invoice.invoiceId);
    return invoice;
  }

  const transitions: Record<XeroInvoiceStatus, XeroInvoiceStatus[]> = {
    DRAFT: ["DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"],
    SUBMITTED: ["SUBMITTED", "DRAFT", "AUTHORISED", "DELETED", "VOIDED"],
    AUTHORISED: ["AUTHORISED", "VOIDED"],
    PAID: ["PAID"],
    VOIDED: ["VOIDED"],
    DELETED: ["DELETED"],
  };

  /** Status changes and edits as Xero allows them: lines and dates of drafts, references always. */
  function updateInvoice(
    organisation: Organisation,
    invoice: Invoice,
    patch: Partial<Omit<XeroInvoiceInput, "status">> & { status?: XeroInvoiceStatus },
  ): Invoice {
    const problems: Problems = [];
    const status = patch.status ?? invoice.status;
    if (!transitions[invoice.status].includes(status)) {
      problems.push(
        invoice.status === "PAID" || invoice.status === "VOIDED" || invoice.status === "DELETED"
          ? "Invoice not of valid status for modification"
          : `An invoice cannot go from ${invoice.status} to ${status}.`,
      );
    }
    if (status === "VOIDED" && livePayments(organisation, invoice).length > 0) {
      problems.push("This document cannot be voided as it has payments applied.");
    }
    const editable = invoice.status === "DRAFT" || invoice.status === "SUBMITTED";
    if (
      !editable &&
      (patch.lineItems !== undefined || patch.contactId !== undefined || patch.currencyCode !== undefined)
    ) {
      problems.push("Invoice not of valid status for modification");
    }
    const lineAmountTypes = patch.lineAmountTypes ?? invoice.lineAmountTypes;
    const lineItems =
      patch.lineItems === undefined
        ? undefined
        : buildLines(organisation, invoice.type, lineAmountTypes, patch.lineItems, problems);
    const dueDate = patch.dueDate === undefined ? invoice.dueDate : toDay(patch.dueDate);
    if (status === "AUTHORISED" && dueDate === undefined) problems.push("Due Date is required.");
    if (status === "AUTHORISED" && (lineItems ?? invoice.lineItems).length === 0) {
      problems.push("At least one line item is required.");
    }
    if (patch.contactId !== undefined && !organisation.contacts.has(patch.contactId)) {
      problems.push(`The contact with ID ${patch.contactId} could not be found.`);
    }
    if (problems.length > 0) throw new ValidationFailure(problems);
    if (patch.reference !== undefined) invoice.reference = patch.reference || undefined;
    if (dueDate !== undefined) invoice.dueDate = dueDate;
    if (patch.date !== undefined) invoice.date = toDay(patch.date) ?? invoice.date;
    if (patch.contactId !== undefined) invoice.contactId = patch.contactId;
    if (patch.currencyCode !== undefined) invoice.currencyCode = patch.currencyCode;
    if (lineItems) {
      invoice.lineAmountTypes = lineAmountTypes;
      invoice.lineItems = lineItems;
    }
    invoice.status = status;
    touch(invoice);
    changed(organisation.tenant.tenantId, "INVOICE", "UPDATE", invoice.invoiceId);
    return invoice;
  }

  function payInvoice(
    organisation: Organisation,
    invoice: Invoice,
    request: { amount?: number; date?: number | string; reference?: string },
  ): Payment {
    if (invoice.status !== "AUTHORISED") {
      throw new ValidationFailure(["Payments can only be made against Authorised documents"]);
    }
    const due = invoiceJson(organisation, invoice, false).AmountDue;
    const amount = round2(request.amount ?? due);
    if (!(amount > 0)) throw new ValidationFailure(["Payment amount must be greater than zero."]);
    if (amount > due) throw new ValidationFailure([`Payment amount exceeds the amount outstanding on this document`]);
    const payment: Payment = {
      paymentId: randomUUID(),
      invoiceId: invoice.invoiceId,
      date: toDay(request.date) ?? startOfDay(now()),
      amount,
      ...(request.reference ? { reference: request.reference } : {}),
      status: "AUTHORISED",
      updatedAt: now(),
      order: order++,
    };
    organisation.payments.set(payment.paymentId, payment);
    invoice.paymentIds.push(payment.paymentId);
    if (amount === due) {
      invoice.status = "PAID";
      invoice.fullyPaidOn = payment.date;
    }
    touch(invoice);
    // Xero has no payment webhooks: the invoice's UPDATE is what tells a subscriber.
    changed(organisation.tenant.tenantId, "INVOICE", "UPDATE", invoice.invoiceId);
    return payment;
  }

  // --- the HTTP side ---------------------------------------------------------------------------------------------

  type Throttle = { problem: XeroRateLimitProblem; retryAfterSeconds: number | undefined };
  const throttles: Throttle[] = [];
  const failures: number[] = [];
  let delayMs = 0;
  /** Call times per `clientId tenantId` and per client, for the rolling windows. */
  const tenantCalls = new Map<string, number[]>();
  const appCalls = new Map<string, number[]>();
  const inFlight = new Map<string, number>();
  const peakInFlight = new Map<string, number>();
  const idempotency = new Map<string, { fingerprint: string; answer: XeroResponse; expiresAt: number }>();
  const records: XeroApiRequestRecord[] = [];

  const windowCount = (times: number[] | undefined, span: number) => {
    if (!times) return { count: 0, oldest: undefined as number | undefined };
    const since = now() - span;
    const inWindow = times.filter((time) => time > since);
    return { count: inWindow.length, oldest: inWindow[0] };
  };

  const remaining = (clientId: string, tenantId: string) => {
    const key = `${clientId} ${tenantId}`;
    return {
      day: Math.max(0, limits.perDay - windowCount(tenantCalls.get(key), day).count),
      minute: Math.max(0, limits.perMinute - windowCount(tenantCalls.get(key), minute).count),
      appMinute: Math.max(0, limits.appPerMinute - windowCount(appCalls.get(clientId), minute).count),
    };
  };

  const limitHeaders = (clientId: string, tenantId: string): Record<string, string> => {
    const left = remaining(clientId, tenantId);
    return {
      "x-daylimit-remaining": String(left.day),
      "x-minlimit-remaining": String(left.minute),
      "x-appminlimit-remaining": String(left.appMinute),
    };
  };

  const tooManyRequests = (problem: XeroRateLimitProblem, retryAfterSeconds: number | undefined): XeroResponse => {
    const answer = gatewayProblem(429, "Too Many Requests", "Rate limit exceeded", {
      "x-rate-limit-problem": problem,
      ...(retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) }),
    });
    return answer;
  };

  /** The limit this call breaks, if any; Retry-After as the time until the oldest call leaves the window. */
  const checkLimits = (clientId: string, tenantId: string): XeroResponse | undefined => {
    const forced = throttles.shift();
    if (forced) {
      const fallback = forced.problem === "day" ? 3_600 : forced.problem === "concurrent" ? undefined : 30;
      return tooManyRequests(forced.problem, forced.retryAfterSeconds ?? fallback);
    }
    const key = `${clientId} ${tenantId}`;
    const secondsUntil = (oldest: number | undefined, span: number) =>
      Math.max(1, Math.ceil(((oldest ?? now()) + span - now()) / 1000));
    if ((inFlight.get(key) ?? 0) >= limits.concurrent) return tooManyRequests("concurrent", undefined);
    const perDay = windowCount(tenantCalls.get(key), day);
    if (perDay.count >= limits.perDay) return tooManyRequests("day", secondsUntil(perDay.oldest, day));
    const perMinute = windowCount(tenantCalls.get(key), minute);
    if (perMinute.count >= limits.perMinute) return tooManyRequests("minute", secondsUntil(perMinute.oldest, minute));
    const app = windowCount(appCalls.get(clientId), minute);
    if (app.count >= limits.appPerMinute) return tooManyRequests("appminute", secondsUntil(app.oldest, minute));
    return undefined;
  };

  const countCall = (clientId: string, tenantId: string) => {
    const key = `${clientId} ${tenantId}`;
    const prune = (times: number[]) => times.filter((time) => time > now() - day);
    tenantCalls.set(key, [...prune(tenantCalls.get(key) ?? []), now()]);
    appCalls.set(clientId, [...(appCalls.get(clientId) ?? []).filter((time) => time > now() - minute), now()]);
  };

  const envelope = (access: XeroAccess, body: Record<string, unknown>): Record<string, unknown> => ({
    Id: randomUUID(),
    Status: "OK",
    ProviderName: options.appName?.(access.clientId) ?? access.clientId,
    DateTimeUTC: xeroDate(now()),
    ...body,
  });

  const notFound = () =>
    apiException(404, 17, "ObjectNotFoundException", "The resource you're looking for cannot be found");

  const validationAnswer = (elements: unknown[]) =>
    apiException(400, 10, "ValidationException", "A validation exception occurred", elements);

  /** Filters, orders and pages a list as Xero's GET endpoints do. */
  const listAnswer = <T extends Record<string, unknown>>(
    request: XeroRequest,
    access: XeroAccess,
    resource: "Contacts" | "Invoices" | "Payments",
    items: { json: (withLines: boolean) => T; updatedAt: number; order: number }[],
  ): XeroResponse => {
    const query = request.url.searchParams;
    const since = parseXeroDate(header(request, "if-modified-since"));
    let selected = since === undefined ? items : items.filter((item) => item.updatedAt >= since);
    const page = query.get("page");
    const paged = page !== null;
    const pageNumber = paged ? Math.max(1, Math.trunc(Number(page)) || 1) : 1;
    const pageSize = Math.min(1000, Math.max(1, Math.trunc(Number(query.get("pageSize") ?? 100)) || 100));
    const summaryOnly = query.get("summaryOnly") === "true";
    // Xero's unpaged invoice list leaves out line items; a page or a single read has them.
    const withLines = resource !== "Invoices" || (paged && !summaryOnly);
    selected = [...selected].sort((a, b) => a.updatedAt - b.updatedAt || a.order - b.order);
    let shown = selected.map((item) => item.json(withLines));
    const where = query.get("where");
    if (where) {
      try {
        const filter = parseWhere(where);
        shown = shown.filter((item) => filter(item));
      } catch (error) {
        if (error instanceof WhereParseError) return apiException(400, 16, "QueryParseException", error.message);
        throw error;
      }
    }
    const orderBy = query.get("order");
    if (orderBy) {
      const [field = "", direction = "ASC"] = orderBy.trim().split(/\s+/);
      const sign = direction.toUpperCase() === "DESC" ? -1 : 1;
      const value = (item: T) => {
        const raw = item[field];
        return typeof raw === "string" ? (parseXeroDate(raw) ?? raw.toLowerCase()) : (raw as number);
      };
      shown.sort((a, b) => (value(a) < value(b) ? -sign : value(a) > value(b) ? sign : 0));
    }
    const itemCount = shown.length;
    if (paged) shown = shown.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
      status: 200,
      json: envelope(access, {
        ...(paged
          ? { pagination: { page: pageNumber, pageSize, pageCount: Math.ceil(itemCount / pageSize), itemCount } }
          : {}),
        [resource]: shown,
      }),
    };
  };

  const elementsOf = (body: unknown, resource: string): Record<string, unknown>[] | undefined => {
    if (body === null || typeof body !== "object") return undefined;
    const wrapped = (body as Record<string, unknown>)[resource];
    const list = wrapped === undefined ? [body] : wrapped;
    if (!Array.isArray(list) || !list.every((item) => item !== null && typeof item === "object")) return undefined;
    return list as Record<string, unknown>[];
  };

  const lineInputs = (value: unknown): XeroLineItemInput[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return [];
    return value.map((raw: Record<string, unknown>) => {
      const lineAmount = asNumber(raw.LineAmount);
      const unitAmount = asNumber(raw.UnitAmount) ?? lineAmount ?? Number.NaN;
      return {
        description: asString(raw.Description) ?? "",
        quantity: asNumber(raw.Quantity) ?? 1,
        unitAmount,
        ...(asString(raw.AccountCode) ? { accountCode: asString(raw.AccountCode) } : {}),
        ...(asString(raw.TaxType) ? { taxType: asString(raw.TaxType) } : {}),
      };
    });
  };

  /** Creates or updates each element; with summarizeErrors (the default) one bad element refuses them all. */
  const writeElements = (
    request: XeroRequest,
    access: XeroAccess,
    organisation: Organisation,
    resource: "Contacts" | "Invoices",
    pathId: string | undefined,
  ): XeroResponse => {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString("utf8") || "null");
    } catch {
      return apiException(400, 14, "PostDataInvalidException", "Invalid Json data");
    }
    const elements = elementsOf(body, resource);
    if (!elements || elements.length === 0) {
      return apiException(400, 14, "PostDataInvalidException", `The request body must hold ${resource}.`);
    }
    const summarize = request.url.searchParams.get("summarizeErrors") !== "false";
    const idField = resource === "Contacts" ? "ContactID" : "InvoiceID";
    // With summarizeErrors every element is checked before any is saved, so a refused batch changes nothing.
    const plans = elements.map((element) => {
      const id = pathId ?? asString(element[idField]);
      return { element, id, problems: [] as Problems };
    });
    for (const plan of plans) {
      if (plan.id !== undefined && request.method === "PUT")
        plan.problems.push(`${idField} cannot be set with PUT; use POST to update.`);
      if (plan.id !== undefined) {
        const exists =
          resource === "Contacts" ? organisation.contacts.get(plan.id) : organisation.invoices.get(plan.id);
        if (!exists)
          plan.problems.push(
            `The ${resource === "Contacts" ? "contact" : "invoice"} with ID ${plan.id} could not be found.`,
          );
      }
    }
    if (summarize && plans.some((plan) => plan.problems.length > 0)) {
      return validationAnswer(
        plans
          .filter((plan) => plan.problems.length > 0)
          .map((plan) => ({ ...plan.element, ValidationErrors: plan.problems.map((Message) => ({ Message })) })),
      );
    }
    const results: Record<string, unknown>[] = [];
    const refused: Record<string, unknown>[] = [];
    // Under summarizeErrors a refusal part-way restores what the earlier elements changed.
    const snapshot = summarize ? snapshotOrganisation(organisation) : undefined;
    heldChanges = [];
    try {
      for (const plan of plans) {
        if (plan.problems.length > 0) {
          refused.push({
            ...plan.element,
            HasValidationErrors: true,
            ValidationErrors: plan.problems.map((Message) => ({ Message })),
          });
          continue;
        }
        try {
          results.push(
            resource === "Contacts"
              ? contactJson(organisation, writeContact(organisation, plan.element, plan.id))
              : invoiceJson(organisation, writeInvoice(organisation, plan.element, plan.id)),
          );
        } catch (error) {
          if (!(error instanceof ValidationFailure)) throw error;
          const failed = { ...plan.element, ValidationErrors: error.problems.map((Message) => ({ Message })) };
          if (snapshot) {
            restoreOrganisation(organisation, snapshot);
            heldChanges = [];
            return validationAnswer([failed]);
          }
          refused.push({ ...failed, HasValidationErrors: true });
        }
      }
    } finally {
      const held = heldChanges;
      heldChanges = undefined;
      for (const change of held ?? []) options.onChange?.(change);
    }
    return { status: 200, json: envelope(access, { [resource]: [...results, ...refused] }) };
  };

  type OrganisationSnapshot = { contacts: Map<string, Contact>; invoices: Map<string, Invoice>; next: number };
  const snapshotOrganisation = (organisation: Organisation): OrganisationSnapshot => ({
    contacts: new Map([...organisation.contacts].map(([id, contact]) => [id, { ...contact }])),
    invoices: new Map(
      [...organisation.invoices].map(([id, invoice]) => [id, { ...invoice, paymentIds: [...invoice.paymentIds] }]),
    ),
    next: organisation.nextInvoiceNumber,
  });
  const restoreOrganisation = (organisation: Organisation, snapshot: OrganisationSnapshot) => {
    organisation.contacts = snapshot.contacts;
    organisation.invoices = snapshot.invoices;
    organisation.nextInvoiceNumber = snapshot.next;
  };

  const writeContact = (organisation: Organisation, element: Record<string, unknown>, id: string | undefined) => {
    // Website is read-only in Xero's API, so it is not taken from the request.
    const input: Partial<XeroContactInput> = {
      ...(element.Name !== undefined ? { name: String(element.Name) } : {}),
      ...(element.EmailAddress !== undefined ? { emailAddress: String(element.EmailAddress) } : {}),
      ...(element.DefaultCurrency !== undefined ? { defaultCurrency: String(element.DefaultCurrency) } : {}),
      ...(element.FirstName !== undefined ? { firstName: String(element.FirstName) } : {}),
      ...(element.LastName !== undefined ? { lastName: String(element.LastName) } : {}),
    };
    const existing = id === undefined ? undefined : organisation.contacts.get(id);
    if (existing) {
      const updated = updateContact(organisation, existing, input);
      if (element.ContactStatus === "ARCHIVED" && updated.status !== "ARCHIVED") updated.status = "ARCHIVED";
      return updated;
    }
    return createContact(organisation, { ...input, name: input.name ?? "" });
  };

  const writeInvoice = (organisation: Organisation, element: Record<string, unknown>, id: string | undefined) => {
    const contact = (element.Contact ?? {}) as Record<string, unknown>;
    let contactId = asString(contact.ContactID);
    // Like Xero, a contact given by name only is found by that name, or created.
    if (contactId === undefined && asString(contact.Name)) {
      const name = asString(contact.Name) as string;
      const found = [...organisation.contacts.values()].find(
        (candidate) => candidate.status === "ACTIVE" && candidate.name.toLowerCase() === name.toLowerCase(),
      );
      contactId = (found ?? createContact(organisation, { name })).contactId;
    }
    const status = asString(element.Status) as XeroInvoiceStatus | undefined;
    const existing = id === undefined ? undefined : organisation.invoices.get(id);
    const lineItems = lineInputs(element.LineItems);
    const dueDate = asString(element.DueDate);
    const date = asString(element.Date);
    if (existing) {
      return updateInvoice(organisation, existing, {
        ...(status ? { status } : {}),
        ...(element.Reference !== undefined ? { reference: String(element.Reference) } : {}),
        ...(dueDate ? { dueDate } : {}),
        ...(date ? { date } : {}),
        ...(contactId && contactId !== existing.contactId ? { contactId } : {}),
        ...(lineItems ? { lineItems } : {}),
        ...(asString(element.CurrencyCode) ? { currencyCode: asString(element.CurrencyCode) } : {}),
        ...(asString(element.LineAmountTypes)
          ? { lineAmountTypes: asString(element.LineAmountTypes) as XeroLineAmountTypes }
          : {}),
      });
    }
    const type = asString(element.Type);
    if (type !== "ACCREC" && type !== "ACCPAY") throw new ValidationFailure(["Invoice Type must be ACCREC or ACCPAY."]);
    if (contactId === undefined)
      throw new ValidationFailure(["A Contact must be specified for this type of transaction"]);
    if (status !== undefined && !["DRAFT", "SUBMITTED", "AUTHORISED"].includes(status)) {
      throw new ValidationFailure([
        "Invoice Status must be DRAFT, SUBMITTED or AUTHORISED when an invoice is created.",
      ]);
    }
    return createInvoice(organisation, {
      contactId,
      type,
      ...(status ? { status: status as "DRAFT" | "SUBMITTED" | "AUTHORISED" } : {}),
      ...(lineItems ? { lineItems } : {}),
      ...(date ? { date } : {}),
      ...(dueDate ? { dueDate } : {}),
      ...(asString(element.CurrencyCode) ? { currencyCode: asString(element.CurrencyCode) } : {}),
      ...(asString(element.Reference) ? { reference: asString(element.Reference) } : {}),
      ...(asString(element.InvoiceNumber) ? { invoiceNumber: asString(element.InvoiceNumber) } : {}),
      ...(asString(element.LineAmountTypes)
        ? { lineAmountTypes: asString(element.LineAmountTypes) as XeroLineAmountTypes }
        : {}),
    });
  };

  /** One authorised call to a resource of a tenant this token may use. */
  const handle = (
    request: XeroRequest,
    access: XeroAccess,
    organisation: Organisation,
    resource: Resource,
    id: string | undefined,
  ): XeroResponse => {
    const write = request.method === "POST" || request.method === "PUT";
    if (resource === "Organisation") {
      if (write || id !== undefined) return gatewayProblem(405, "Method Not Allowed", "MethodNotAllowed");
      const { tenant } = organisation;
      return {
        status: 200,
        json: envelope(access, {
          Organisations: [
            {
              OrganisationID: tenant.tenantId,
              Name: tenant.tenantName,
              LegalName: tenant.tenantName,
              PaysTax: true,
              Version: tenant.countryCode === "US" ? "US" : "GLOBAL",
              OrganisationType: "COMPANY",
              BaseCurrency: tenant.baseCurrency,
              CountryCode: tenant.countryCode,
              IsDemoCompany: false,
              OrganisationStatus: "ACTIVE",
              ShortCode: tenant.shortCode,
              CreatedDateUTC: xeroDate(organisation.createdAt),
            },
          ],
        }),
      };
    }
    if (write) {
      if (resource === "Payments") {
        return apiException(400, 10, "ValidationException", "This fake Xero does not create payments through the API.");
      }
      return writeElements(request, access, organisation, resource, id);
    }
    if (request.method !== "GET") return gatewayProblem(405, "Method Not Allowed", "MethodNotAllowed");
    const query = request.url.searchParams;
    const idsFilter = (name: string) =>
      query
        .get(name)
        ?.split(",")
        .map((value) => value.trim().toLowerCase())
        .filter(Boolean);
    if (resource === "Contacts") {
      if (id !== undefined) {
        const contact =
          organisation.contacts.get(id) ??
          [...organisation.contacts.values()].find((candidate) => candidate.contactId === id.toLowerCase());
        return contact
          ? { status: 200, json: envelope(access, { Contacts: [contactJson(organisation, contact)] }) }
          : notFound();
      }
      const ids = idsFilter("IDs");
      const includeArchived = query.get("includeArchived") === "true";
      const search = query.get("searchTerm")?.toLowerCase();
      const contacts = [...organisation.contacts.values()].filter(
        (contact) =>
          (includeArchived || contact.status === "ACTIVE") &&
          (!ids || ids.includes(contact.contactId)) &&
          (!search ||
            [contact.name, contact.emailAddress, contact.firstName, contact.lastName].some((text) =>
              text?.toLowerCase().includes(search),
            )),
      );
      return listAnswer(
        request,
        access,
        "Contacts",
        contacts.map((contact) => ({ ...contact, json: () => contactJson(organisation, contact) })),
      );
    }
    if (resource === "Invoices") {
      if (id !== undefined) {
        const invoice =
          organisation.invoices.get(id) ??
          [...organisation.invoices.values()].find((candidate) => candidate.invoiceNumber === id);
        return invoice
          ? { status: 200, json: envelope(access, { Invoices: [invoiceJson(organisation, invoice)] }) }
          : notFound();
      }
      const ids = idsFilter("IDs");
      const numbers = idsFilter("InvoiceNumbers");
      const contactIds = idsFilter("ContactIDs");
      const statuses = query
        .get("Statuses")
        ?.split(",")
        .map((value) => value.trim().toUpperCase())
        .filter(Boolean);
      const invoices = [...organisation.invoices.values()].filter(
        (invoice) =>
          (statuses ? statuses.includes(invoice.status) : invoice.status !== "DELETED") &&
          (!ids || ids.includes(invoice.invoiceId)) &&
          (!numbers || numbers.includes(invoice.invoiceNumber.toLowerCase())) &&
          (!contactIds || contactIds.includes(invoice.contactId)),
      );
      return listAnswer(
        request,
        access,
        "Invoices",
        invoices.map((invoice) => ({ ...invoice, json: (withLines) => invoiceJson(organisation, invoice, withLines) })),
      );
    }
    if (id !== undefined) {
      const payment = organisation.payments.get(id);
      return payment
        ? { status: 200, json: envelope(access, { Payments: [paymentJson(organisation, payment)] }) }
        : notFound();
    }
    return listAnswer(
      request,
      access,
      "Payments",
      [...organisation.payments.values()].map((payment) => ({
        ...payment,
        json: () => paymentJson(organisation, payment),
      })),
    );
  };

  const resourceNames: Record<string, Resource> = {
    contacts: "Contacts",
    invoices: "Invoices",
    payments: "Payments",
    organisation: "Organisation",
  };

  const route: XeroRoute = async (request) => {
    const prefix = "/api.xro/2.0/";
    if (!request.url.pathname.startsWith(prefix)) return undefined;
    const [name = "", rawId, ...more] = request.url.pathname.slice(prefix.length).split("/");
    const tenantId = header(request, "xero-tenant-id")?.trim().toLowerCase();
    const record: XeroApiRequestRecord = { method: request.method, path: request.url.pathname, tenantId, status: 0 };
    records.push(record);
    const answer = await authorised(request, name, rawId, more, tenantId, record);
    record.status = answer.status;
    return answer;
  };

  const authorised = async (
    request: XeroRequest,
    name: string,
    rawId: string | undefined,
    more: string[],
    tenantId: string | undefined,
    record: XeroApiRequestRecord,
  ): Promise<XeroResponse> => {
    const authenticated = authority.authenticate(request.headers.authorization);
    if ("refusal" in authenticated) return authenticated.refusal;
    const { access } = authenticated;
    // Xero answers a missing, malformed or unconnected tenant alike: 403 AuthenticationUnsuccessful.
    const organisation = tenantId ? organisations.get(tenantId) : undefined;
    if (!tenantId || !isGuid(tenantId) || !organisation || !authority.isConnected(access, tenantId)) {
      return gatewayProblem(403, "Forbidden", "AuthenticationUnsuccessful");
    }
    const headers = () => limitHeaders(access.clientId, tenantId);
    const resource = resourceNames[name.toLowerCase()];
    const write = request.method === "POST" || request.method === "PUT";
    if (
      resource &&
      !(write ? scopesFor[resource].write : scopesFor[resource].read).some((scope) => access.scopes.includes(scope))
    ) {
      return gatewayProblem(401, "Unauthorized", "AuthorizationUnsuccessful", {
        "www-authenticate": 'Bearer error="insufficient_scope"',
        ...headers(),
      });
    }
    const limited = checkLimits(access.clientId, tenantId);
    if (limited) {
      record.rateLimitProblem = limited.headers?.["x-rate-limit-problem"] as XeroRateLimitProblem;
      return { ...limited, headers: { ...limited.headers, ...headers() } };
    }
    countCall(access.clientId, tenantId);
    const key = `${access.clientId} ${tenantId}`;
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    peakInFlight.set(key, Math.max(peakInFlight.get(key) ?? 0, inFlight.get(key) ?? 0));
    try {
      const run = async (): Promise<XeroResponse> => {
        if (delayMs > 0) await sleep(delayMs);
        const failure = failures.shift();
        if (failure !== undefined) {
          return failure === 503
            ? apiException(503, 18, "OrganisationOfflineException", "The organisation is temporarily offline.")
            : {
                status: failure,
                text: "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.",
              };
        }
        if (!resource || more.length > 0) return notFound();
        const id = rawId === undefined || rawId === "" ? undefined : decodeURIComponent(rawId);
        return handle(request, access, organisation, resource, id);
      };
      const answer = write ? await idempotent(request, access, tenantId, record, run) : await run();
      return { ...answer, headers: { ...answer.headers, ...headers() } };
    } finally {
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
    }
  };

  /** Requests whose Idempotency-Key is being worked on, by key scope. */
  const keysInProgress = new Map<string, Promise<unknown>>();

  /**
   * The same Idempotency-Key (per app, tenant and endpoint) answers the first successful result again; a request
   * arriving while the first is still being worked on waits for it, so even a retry sent early creates nothing twice.
   */
  const idempotent = async (
    request: XeroRequest,
    access: XeroAccess,
    tenantId: string,
    record: XeroApiRequestRecord,
    work: () => Promise<XeroResponse>,
  ): Promise<XeroResponse> => {
    const key = header(request, "idempotency-key");
    if (key === undefined) return work();
    record.idempotencyKey = key;
    if (key.length > 128) {
      return apiException(400, 10, "ValidationException", "The Idempotency-Key header must be at most 128 characters.");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString("utf8") || "null");
    } catch {
      parsed = request.body.toString("base64");
    }
    const fingerprint = createHash("sha256")
      .update(`${request.method} ${request.url.pathname}?${request.url.searchParams} ${canonicalJson(parsed)}`)
      .digest("hex");
    const scope = `${access.clientId} ${tenantId} ${request.method} ${request.url.pathname.toLowerCase()} ${key}`;
    while (keysInProgress.has(scope)) await keysInProgress.get(scope);
    for (const [stored, entry] of idempotency) if (entry.expiresAt <= now()) idempotency.delete(stored);
    const stored = idempotency.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return apiException(
          400,
          10,
          "ValidationException",
          "The Idempotency-Key has already been used with a different request.",
        );
      }
      record.replayed = true;
      return stored.answer;
    }
    const running = work();
    keysInProgress.set(
      scope,
      running.catch(() => undefined),
    );
    try {
      const answer = await running;
      if (answer.status >= 200 && answer.status < 300) {
        idempotency.set(scope, { fingerprint, answer, expiresAt: now() + idempotencyTtlMs });
      }
      return answer;
    } finally {
      keysInProgress.delete(scope);
    }
  };

  // --- controls --------------------------------------------------------------------------------------------------

  const unwrap = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof ValidationFailure) throw new Error(`Xero refused the change: ${error.message}`);
      throw error;
    }
  };
  const contactIn = (organisation: Organisation, contactId: string) => {
    const contact = organisation.contacts.get(contactId);
    if (!contact) throw new Error(`No contact ${contactId} in ${organisation.tenant.tenantName}`);
    return contact;
  };
  const invoiceIn = (organisation: Organisation, invoiceId: string) => {
    const invoice = organisation.invoices.get(invoiceId);
    if (!invoice) throw new Error(`No invoice ${invoiceId} in ${organisation.tenant.tenantName}`);
    return invoice;
  };
  const byOrder = <T extends { updatedAt: number; order: number }>(items: Iterable<T>) =>
    [...items].sort((a, b) => a.order - b.order);

  const controls: FakeXeroAccountingControls = {
    contacts: (tenantId) => {
      const organisation = organisationOf(tenantId);
      return byOrder(organisation.contacts.values()).map((contact) => contactJson(organisation, contact));
    },
    invoices: (tenantId) => {
      const organisation = organisationOf(tenantId);
      return byOrder(organisation.invoices.values()).map((invoice) => invoiceJson(organisation, invoice));
    },
    payments: (tenantId) => {
      const organisation = organisationOf(tenantId);
      return byOrder(organisation.payments.values()).map((payment) => paymentJson(organisation, payment));
    },
    createContact: (tenantId, input) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return contactJson(organisation, createContact(organisation, input));
      }),
    updateContact: (tenantId, contactId, patch) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return contactJson(organisation, updateContact(organisation, contactIn(organisation, contactId), patch));
      }),
    archiveContact: (tenantId, contactId) => {
      const organisation = organisationOf(tenantId);
      const contact = contactIn(organisation, contactId);
      contact.status = "ARCHIVED";
      touch(contact);
      changed(tenantId, "CONTACT", "UPDATE", contactId);
      return contactJson(organisation, contact);
    },
    createInvoice: (tenantId, input) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return invoiceJson(organisation, createInvoice(organisation, input));
      }),
    updateInvoice: (tenantId, invoiceId, patch) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return invoiceJson(organisation, updateInvoice(organisation, invoiceIn(organisation, invoiceId), patch));
      }),
    authoriseInvoice: (tenantId, invoiceId) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        const invoice = invoiceIn(organisation, invoiceId);
        const dueDate = invoice.dueDate ?? startOfDay(now()) + 30 * day;
        return invoiceJson(organisation, updateInvoice(organisation, invoice, { status: "AUTHORISED", dueDate }));
      }),
    payInvoice: (tenantId, invoiceId, payment = {}) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return paymentJson(organisation, payInvoice(organisation, invoiceIn(organisation, invoiceId), payment));
      }),
    deletePayment: (tenantId, paymentId) => {
      const organisation = organisationOf(tenantId);
      const payment = organisation.payments.get(paymentId);
      if (!payment) throw new Error(`No payment ${paymentId} in ${organisation.tenant.tenantName}`);
      payment.status = "DELETED";
      touch(payment);
      const invoice = invoiceIn(organisation, payment.invoiceId);
      if (invoice.status === "PAID") {
        invoice.status = "AUTHORISED";
        invoice.fullyPaidOn = undefined;
      }
      touch(invoice);
      changed(tenantId, "INVOICE", "UPDATE", invoice.invoiceId);
      return paymentJson(organisation, payment);
    },
    voidInvoice: (tenantId, invoiceId) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return invoiceJson(
          organisation,
          updateInvoice(organisation, invoiceIn(organisation, invoiceId), { status: "VOIDED" }),
        );
      }),
    deleteInvoice: (tenantId, invoiceId) =>
      unwrap(() => {
        const organisation = organisationOf(tenantId);
        return invoiceJson(
          organisation,
          updateInvoice(organisation, invoiceIn(organisation, invoiceId), { status: "DELETED" }),
        );
      }),
    throttleNext: (count, problem, retryAfterSeconds) => {
      for (let index = 0; index < count; index += 1) throttles.push({ problem, retryAfterSeconds });
    },
    failNext: (count, status) => {
      for (let index = 0; index < count; index += 1) failures.push(status);
    },
    delayResponses: (ms) => {
      delayMs = Math.max(0, ms);
    },
    limits: (tenantId, clientId) => {
      const client = clientId ?? [...appCalls.keys()][0] ?? "";
      return remaining(client, tenantId);
    },
    peakConcurrency: (tenantId, clientId) =>
      Math.max(
        0,
        ...[...peakInFlight]
          .filter(([key]) => (clientId ? key === `${clientId} ${tenantId}` : key.endsWith(` ${tenantId}`)))
          .map(([, peak]) => peak),
      ),
    resetLimits: () => {
      tenantCalls.clear();
      appCalls.clear();
      peakInFlight.clear();
      throttles.length = 0;
    },
    requests: () => records.map((entry) => ({ ...entry })),
  };

  return { route, controls };
}
