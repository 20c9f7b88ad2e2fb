import { demoCompanies, demoContacts, demoOrganisationName } from "../seed/demo-data";

/** A customer as the seed puts it into a company's books; amounts never appear here (balances are derived). */
export type BooksCustomerSeed = {
  id: string;
  displayName: string;
  companyName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** WebAddr.URI, e.g. "https://www.globex.example". */
  website?: string;
  phone?: string;
  city?: string;
  country?: string;
  /** ISO 4217; the customer's currency, fixed once it has transactions (QBO multicurrency). */
  currency: string;
  active?: boolean;
  createdAt: number;
  updatedAt?: number;
};

/** A service the company sells (invoice lines refer to it), with its price in integer cents. */
export type BooksItemSeed = { id: string; name: string; description?: string; unitPriceCents: number };

export type BooksLineSeed = { itemId: string; description?: string; quantity: number; unitPriceCents: number };

/**
 * An invoice: "draft" (not yet sent, EmailStatus NeedToSend), "sent" (EmailSent), or "void" (QBO zeroes the
 * amounts and notes "Voided"). Paid and overdue are not states of their own: a payment brings the balance to 0,
 * and an unpaid invoice past its DueDate is overdue.
 */
export type BooksInvoiceSeed = {
  id: string;
  docNumber: string;
  customerId: string;
  /** YYYY-MM-DD in the company's time zone. */
  txnDate: string;
  dueDate: string;
  lines: BooksLineSeed[];
  status: "draft" | "sent" | "void";
  privateNote?: string;
  createdAt: number;
  updatedAt?: number;
};

export type BooksPaymentSeed = {
  id: string;
  customerId: string;
  invoiceId: string;
  amountCents: number;
  txnDate: string;
  createdAt: number;
};

/** One QuickBooks company (a realm) and what is in its books at start. */
export type RealmSeed = {
  realmId: string;
  companyName: string;
  legalName: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  homeCurrency: string;
  /** The company's time zone: QBO writes MetaData times and TxnDates in it. */
  timeZone: string;
  email: string;
  createdAt: number;
  customers: BooksCustomerSeed[];
  items: BooksItemSeed[];
  invoices: BooksInvoiceSeed[];
  payments: BooksPaymentSeed[];
};

/** The realm ids of the seeded companies, fixed so a connection survives restarts of `npm start`. */
export const demoRealmIds = { northwind: "9341452637104811", northwindEurope: "9341452637104822" } as const;

const day = 24 * 3600 * 1000;
const currencyOf: Record<string, string> = { US: "USD", NL: "EUR", FR: "EUR", DE: "EUR", GB: "GBP" };

/** YYYY-MM-DD of an instant in a time zone. */
export function dateIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** The demo companies' items: the CRM's deal products, an hourly rate and a shipping fee with odd cents. */
function demoItems(): BooksItemSeed[] {
  return [
    { id: "1", name: "Services", unitPriceCents: 0 },
    { id: "2", name: "Consulting hours", description: "Consulting, per hour", unitPriceCents: 137_50 },
    { id: "3", name: "Expedited shipping", description: "Courier, per parcel", unitPriceCents: 19_99 },
    { id: "4", name: "Fleet telematics rollout", unitPriceCents: 48_000_00 },
    { id: "5", name: "Annual support renewal", unitPriceCents: 12_500_00 },
    { id: "6", name: "Warehouse scanners", unitPriceCents: 9_800_00 },
    { id: "7", name: "Analytics add-on", unitPriceCents: 6_000_00 },
    { id: "8", name: "Onboarding package", unitPriceCents: 3_200_00 },
  ];
}

type InvoiceKind = "paid" | "overdue" | "sent" | "draft" | "void" | "partly-paid";
const invoiceKinds: InvoiceKind[] = ["paid", "overdue", "sent", "draft", "void", "partly-paid"];

/** Builds one company's books from the demo companies it bills (indexes into demoCompanies). */
function booksFor(
  realm: Omit<RealmSeed, "customers" | "items" | "invoices" | "payments" | "createdAt">,
  companies: { index: number; displayName?: string; withWebsite?: boolean }[],
  extraCustomers: Omit<BooksCustomerSeed, "id" | "createdAt">[],
  now: number,
  firstDocNumber: number,
): RealmSeed {
  const contacts = demoContacts();
  const items = demoItems();
  const start = now - 180 * day;
  const customers: BooksCustomerSeed[] = companies.map(({ index, displayName, withWebsite = true }, position) => {
    const company = demoCompanies[index] as (typeof demoCompanies)[number];
    const billing = contacts.find((contact) => contact.companyIndex === index);
    return {
      id: String(position + 1),
      displayName: displayName ?? company.name,
      companyName: company.name,
      ...(billing ? { givenName: billing.firstName, familyName: billing.lastName, phone: billing.phone } : {}),
      email: billing?.email ?? `accounts@${company.domain}`,
      ...(withWebsite ? { website: `https://www.${company.domain}` } : {}),
      city: company.city,
      country: company.country,
      currency: currencyOf[company.country] ?? realm.homeCurrency,
      createdAt: start + position * 3600 * 1000,
    };
  });
  for (const extra of extraCustomers) {
    customers.push({ ...extra, id: String(customers.length + 1), createdAt: start + customers.length * 3600 * 1000 });
  }
  const invoices: BooksInvoiceSeed[] = [];
  const payments: BooksPaymentSeed[] = [];
  // Invoices and payments share QBO's transaction id sequence; names (customers, items) have their own.
  let nextTxnId = 101;
  let docNumber = firstDocNumber;
  const billable = customers.filter((customer) => customer.active !== false);
  billable.forEach((customer, customerIndex) => {
    for (let slot = 0; slot < 3; slot += 1) {
      const kind = invoiceKinds[(customerIndex + slot * 2) % invoiceKinds.length] as InvoiceKind;
      const product = items[3 + ((customerIndex + slot) % 5)] as BooksItemSeed;
      const ageDays = { paid: 75, overdue: 48, sent: 9, draft: 2, void: 40, "partly-paid": 24 }[kind] + slot;
      const issuedAt = now - ageDays * day + customerIndex * 60_000;
      const txnDate = dateIn(issuedAt, realm.timeZone);
      const dueDate = dateIn(issuedAt + 30 * day, realm.timeZone);
      const lines: BooksLineSeed[] = [
        { itemId: product.id, description: product.name, quantity: 1, unitPriceCents: product.unitPriceCents },
        { itemId: "2", description: "Consulting, per hour", quantity: 3 + slot * 2, unitPriceCents: 137_50 },
      ];
      if ((customerIndex + slot) % 2 === 0) {
        lines.push({ itemId: "3", description: "Courier, per parcel", quantity: 3, unitPriceCents: 19_99 });
      }
      const invoice: BooksInvoiceSeed = {
        id: String(nextTxnId++),
        docNumber: String(docNumber++),
        customerId: customer.id,
        txnDate,
        dueDate,
        lines,
        status: kind === "draft" ? "draft" : kind === "void" ? "void" : "sent",
        createdAt: issuedAt,
        ...(kind === "void" ? { updatedAt: issuedAt + 2 * day, privateNote: "Voided" } : {}),
      };
      invoices.push(invoice);
      const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
      if (kind === "paid" || kind === "partly-paid") {
        const paidAt = issuedAt + (kind === "paid" ? 20 : 10) * day;
        // 40 % of a partly paid invoice, rounded to whole cents as a person would type it.
        const amountCents = kind === "paid" ? total : Math.round(total * 0.4);
        payments.push({
          id: String(nextTxnId++),
          customerId: customer.id,
          invoiceId: invoice.id,
          amountCents,
          txnDate: dateIn(paidAt, realm.timeZone),
          createdAt: paidAt,
        });
        invoice.updatedAt = paidAt;
      }
    }
  });
  return { ...realm, createdAt: start - 30 * day, customers, items, invoices, payments };
}

/**
 * The demo QuickBooks companies, deterministic apart from dates (relative to `now`):
 * - Northwind Traders (US, USD, the CRM's demo organisation) bills nine of the ten demo companies, as customers
 *   matching the CRM's companies by name, website domain and billing email domain. Two are made to need care:
 *   "Hooli Inc." matches only by domain, Initech has no website (email domain only). Cyberdyne Systems is a CRM
 *   company with no customer yet, Prestige Worldwide a customer with no CRM company, and Dunder Mifflin an inactive
 *   customer (hidden from plain queries, as QBO hides inactive names).
 * - Northwind Traders Europe B.V. (NL, EUR) bills the three European demo companies.
 * Each active customer has three invoices: a mix of paid, partly paid, sent, overdue, draft and void; the
 * currency is the customer's country's (USD, EUR, GBP).
 */
export function demoBooks(now: number): RealmSeed[] {
  const indexOf = (name: string) => demoCompanies.findIndex((company) => company.name === name);
  const northwind = booksFor(
    {
      realmId: demoRealmIds.northwind,
      companyName: demoOrganisationName,
      legalName: `${demoOrganisationName} Inc.`,
      country: "US",
      homeCurrency: "USD",
      timeZone: "America/Los_Angeles",
      email: "accounts@northwind.example",
    },
    demoCompanies
      .map((company, index) => ({ company, index }))
      .filter(({ company }) => company.name !== "Cyberdyne Systems")
      .map(({ company, index }) => ({
        index,
        ...(company.name === "Hooli" ? { displayName: "Hooli Inc." } : {}),
        ...(company.name === "Initech" ? { withWebsite: false } : {}),
      })),
    [
      {
        displayName: "Prestige Worldwide",
        companyName: "Prestige Worldwide",
        email: "billing@prestige-worldwide.example",
        website: "https://prestige-worldwide.example",
        city: "Los Angeles",
        country: "US",
        currency: "USD",
      },
      {
        displayName: "Dunder Mifflin",
        companyName: "Dunder Mifflin Paper Company",
        email: "accounting@dunder-mifflin.example",
        city: "Scranton",
        country: "US",
        currency: "USD",
        active: false,
      },
    ],
    now,
    1001,
  );
  const europe = booksFor(
    {
      realmId: demoRealmIds.northwindEurope,
      companyName: `${demoOrganisationName} Europe B.V.`,
      legalName: `${demoOrganisationName} Europe B.V.`,
      country: "NL",
      homeCurrency: "EUR",
      timeZone: "Europe/Amsterdam",
      email: "accounts@northwind-europe.example",
    },
    ["Stark Logistics", "Soylent Foods", "Tyrell Bio"].map((name) => ({ index: indexOf(name) })),
    [],
    now,
    2001,
  );
  return [northwind, europe];
}
