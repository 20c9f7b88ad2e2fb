import { demoCompanies, demoContacts } from "../seed/demo-data";
import { stableUuid, type XeroTenant } from "./xero-http";

/** A contact as the seed puts it into an organisation (Xero fills in the rest). */
export type XeroContactSeed = {
  contactId: string;
  name: string;
  emailAddress?: string;
  website?: string;
  defaultCurrency?: string;
  address?: { city: string; country: string };
  contactPersons?: { firstName: string; lastName: string; emailAddress: string }[];
  /** Epoch milliseconds of the contact's last change. */
  updatedAt: number;
};

/** An invoice (ACCREC) or bill (ACCPAY) of the seed, with the payments made against it. */
export type XeroInvoiceSeed = {
  invoiceId: string;
  invoiceNumber: string;
  type: "ACCREC" | "ACCPAY";
  contactId: string;
  status: "DRAFT" | "SUBMITTED" | "AUTHORISED" | "PAID" | "VOIDED";
  /** Epoch milliseconds (00:00 UTC of the invoice's day). */
  date: number;
  dueDate: number;
  currencyCode: string;
  reference?: string;
  lineAmountTypes: "Exclusive" | "Inclusive" | "NoTax";
  lineItems: { description: string; quantity: number; unitAmount: number; accountCode: string; taxType: string }[];
  /** Payments, oldest first; the amounts of a PAID invoice add up to its total. */
  payments: { paymentId: string; date: number; fraction: number }[];
};

/** One seeded organisation: the tenant, its tax rates, and its contacts, invoices and payments. */
export type XeroOrganisationSeed = {
  tenant: XeroTenant;
  /** Tax rates by TaxType, as fractions; `salesTaxType` is the default of sales account 200. */
  taxRates: Record<string, number>;
  salesTaxType: string;
  contacts: XeroContactSeed[];
  invoices: XeroInvoiceSeed[];
};

const day = 24 * 60 * 60 * 1000;

const currencyOfCountry: Record<string, string> = { US: "USD", NL: "EUR", FR: "EUR", GB: "GBP" };

/** The demo company at an index of `demoCompanies`, typed for the lookups below. */
const company = (index: number) => demoCompanies[index] as (typeof demoCompanies)[number];

/** How each demo company appears in Xero: legal names, billing addresses and websites differ from the CRM's on purpose. */
const contactShapes: Record<number, { name: string; emailAddress?: string; website?: string }> = {
  0: { name: "Globex Corporation", emailAddress: "accounts@globex.example", website: "https://www.globex.example" },
  // A different legal name: only the email domain matches the CRM's company.
  1: { name: "Initech LLC", emailAddress: "ap@initech.example" },
  // A billing mailbox elsewhere: only the website matches.
  2: {
    name: "Umbrella Health",
    emailAddress: "umbrella.payables@mail.example",
    website: "https://umbrella-health.example",
  },
  3: {
    name: "Stark Logistics B.V.",
    emailAddress: "finance@stark-logistics.example",
    website: "http://stark-logistics.example",
  },
  // Neither email nor website: only the name matches.
  4: { name: "Wayne Renewables" },
  5: { name: "Tyrell Bio Ltd", emailAddress: "accounts@tyrell-bio.example" },
  6: { name: "Soylent Foods", emailAddress: "comptabilite@soylent.example", website: "https://soylent.example/fr" },
  7: { name: "Hooli", emailAddress: "billing@hooli.example", website: "https://hooli.example" },
};

const products = [
  { description: "Fleet telematics rollout", quantity: 1, unitAmount: 48_000 },
  { description: "Annual support renewal", quantity: 1, unitAmount: 12_500 },
  { description: "Warehouse scanners", quantity: 4, unitAmount: 2_450 },
  { description: "Analytics add-on", quantity: 12, unitAmount: 500 },
  { description: "Onboarding package", quantity: 1, unitAmount: 3_200 },
] as const;

type InvoicePlan = {
  contact: string;
  status: XeroInvoiceSeed["status"];
  daysAgo: number;
  dueAfterDays: number;
  product: number;
  currency?: string;
  type?: "ACCREC" | "ACCPAY";
  number?: string;
  lineAmountTypes?: XeroInvoiceSeed["lineAmountTypes"];
  taxType?: string;
  payments?: { daysAgo: number; fraction: number }[];
};

function contactFor(tenantKey: string, companyIndex: number, updatedAt: number): XeroContactSeed {
  const shape = contactShapes[companyIndex] as { name: string; emailAddress?: string; website?: string };
  const { city, country } = company(companyIndex);
  const person = demoContacts().find((contact) => contact.companyIndex === companyIndex);
  return {
    contactId: stableUuid(`${tenantKey}/contact/${company(companyIndex).domain}`),
    name: shape.name,
    ...(shape.emailAddress ? { emailAddress: shape.emailAddress } : {}),
    ...(shape.website ? { website: shape.website } : {}),
    defaultCurrency: currencyOfCountry[country] ?? "USD",
    address: { city, country },
    ...(person
      ? { contactPersons: [{ firstName: person.firstName, lastName: person.lastName, emailAddress: person.email }] }
      : {}),
    updatedAt,
  };
}

function buildOrganisation(
  tenant: XeroTenant,
  tax: { taxRates: Record<string, number>; salesTaxType: string },
  contacts: XeroContactSeed[],
  plans: InvoicePlan[],
  now: number,
): XeroOrganisationSeed {
  const today = Math.floor(now / day) * day;
  const byName = new Map(contacts.map((contact) => [contact.name, contact]));
  let nextNumber = 1;
  const invoices = plans.map((plan, index): XeroInvoiceSeed => {
    const contact = byName.get(plan.contact);
    if (!contact) throw new Error(`The Xero seed names an unknown contact: ${plan.contact}`);
    const product = products[plan.product % products.length] as (typeof products)[number];
    const type = plan.type ?? "ACCREC";
    const invoiceNumber = plan.number ?? `INV-${String(nextNumber++).padStart(4, "0")}`;
    return {
      invoiceId: stableUuid(`${tenant.tenantId}/invoice/${invoiceNumber}`),
      invoiceNumber,
      type,
      contactId: contact.contactId,
      status: plan.status,
      date: today - plan.daysAgo * day,
      dueDate: today - plan.daysAgo * day + plan.dueAfterDays * day,
      currencyCode: plan.currency ?? contact.defaultCurrency ?? tenant.baseCurrency,
      ...(type === "ACCREC" ? { reference: `PO-${7100 + index * 7}` } : {}),
      lineAmountTypes: plan.lineAmountTypes ?? "NoTax",
      lineItems: [{ ...product, accountCode: type === "ACCREC" ? "200" : "400", taxType: plan.taxType ?? "NONE" }],
      payments: (plan.payments ?? []).map((payment, paymentIndex) => ({
        paymentId: stableUuid(`${tenant.tenantId}/payment/${invoiceNumber}/${paymentIndex}`),
        date: today - payment.daysAgo * day,
        fraction: payment.fraction,
      })),
    };
  });
  return { tenant, ...tax, contacts, invoices };
}

/**
 * Two demo organisations of the demo user, deterministic for a given `now`: "Northwind Traders" (US, USD), whose
 * contacts are eight of the ten demo companies plus a customer and a supplier the CRM does not know, and
 * "Northwind Traders Europe B.V." (NL, EUR) with three of them. Each contact is matched to its CRM company by email
 * domain, website or name; each has invoices in a mix of states (draft, submitted, authorised, overdue, partly paid,
 * paid, voided) in the currency of its country, with payments.
 */
export function demoOrganisations(now: number): XeroOrganisationSeed[] {
  const us: XeroTenant = {
    tenantId: stableUuid("tenant/northwind-traders"),
    tenantName: "Northwind Traders",
    tenantType: "ORGANISATION",
    baseCurrency: "USD",
    countryCode: "US",
    shortCode: "!Nw7Tr",
  };
  const europe: XeroTenant = {
    tenantId: stableUuid("tenant/northwind-traders-europe"),
    tenantName: "Northwind Traders Europe B.V.",
    tenantType: "ORGANISATION",
    baseCurrency: "EUR",
    countryCode: "NL",
    shortCode: "!Nw8Eu",
  };
  const updated = (daysAgo: number) => now - daysAgo * day;

  const usContacts = [0, 1, 2, 3, 4, 5, 6, 7].map((index) => contactFor(us.tenantId, index, updated(120 - index * 9)));
  usContacts.push(
    {
      contactId: stableUuid(`${us.tenantId}/contact/bluth.example`),
      name: "Bluth Company",
      emailAddress: "accounts@bluth.example",
      website: "https://bluth.example",
      defaultCurrency: "USD",
      address: { city: "Newport Beach", country: "US" },
      updatedAt: updated(40),
    },
    {
      contactId: stableUuid(`${us.tenantId}/contact/dunder-mifflin.example`),
      name: "Dunder Mifflin Paper",
      emailAddress: "orders@dunder-mifflin.example",
      defaultCurrency: "USD",
      address: { city: "Scranton", country: "US" },
      updatedAt: updated(30),
    },
  );
  const usOrganisation = buildOrganisation(
    us,
    { taxRates: { NONE: 0, TAX001: 0.0825 }, salesTaxType: "NONE" },
    usContacts,
    [
      {
        contact: "Globex Corporation",
        status: "PAID",
        daysAgo: 75,
        dueAfterDays: 30,
        product: 0,
        payments: [{ daysAgo: 50, fraction: 1 }],
      },
      { contact: "Initech LLC", status: "AUTHORISED", daysAgo: 10, dueAfterDays: 30, product: 1 },
      {
        contact: "Umbrella Health",
        status: "PAID",
        daysAgo: 60,
        dueAfterDays: 30,
        product: 2,
        payments: [
          { daysAgo: 40, fraction: 0.5 },
          { daysAgo: 20, fraction: 0.5 },
        ],
      },
      // Overdue and partly paid.
      {
        contact: "Stark Logistics B.V.",
        status: "AUTHORISED",
        daysAgo: 40,
        dueAfterDays: 14,
        product: 3,
        payments: [{ daysAgo: 20, fraction: 0.4 }],
      },
      { contact: "Wayne Renewables", status: "SUBMITTED", daysAgo: 5, dueAfterDays: 30, product: 4 },
      {
        contact: "Tyrell Bio Ltd",
        status: "PAID",
        daysAgo: 90,
        dueAfterDays: 30,
        product: 1,
        payments: [{ daysAgo: 70, fraction: 1 }],
      },
      // Overdue.
      { contact: "Soylent Foods", status: "AUTHORISED", daysAgo: 50, dueAfterDays: 30, product: 2 },
      {
        contact: "Hooli",
        status: "PAID",
        daysAgo: 20,
        dueAfterDays: 30,
        product: 0,
        payments: [{ daysAgo: 5, fraction: 1 }],
      },
      // Overdue.
      { contact: "Globex Corporation", status: "AUTHORISED", daysAgo: 45, dueAfterDays: 30, product: 4 },
      { contact: "Initech LLC", status: "DRAFT", daysAgo: 2, dueAfterDays: 30, product: 3 },
      { contact: "Umbrella Health", status: "VOIDED", daysAgo: 30, dueAfterDays: 30, product: 4 },
      { contact: "Wayne Renewables", status: "DRAFT", daysAgo: 1, dueAfterDays: 30, product: 1 },
      {
        contact: "Hooli",
        status: "AUTHORISED",
        daysAgo: 3,
        dueAfterDays: 30,
        product: 3,
        lineAmountTypes: "Exclusive",
        taxType: "TAX001",
      },
      { contact: "Bluth Company", status: "AUTHORISED", daysAgo: 15, dueAfterDays: 30, product: 2 },
      // A bill from a supplier: the CRM's sync reads ACCREC only.
      {
        contact: "Dunder Mifflin Paper",
        status: "AUTHORISED",
        daysAgo: 12,
        dueAfterDays: 30,
        product: 4,
        type: "ACCPAY",
        number: "DM-4471",
      },
    ],
    now,
  );

  const europeContacts = [3, 5, 6].map((index) => contactFor(europe.tenantId, index, updated(80 - index * 5)));
  const europeOrganisation = buildOrganisation(
    europe,
    { taxRates: { NONE: 0, OUTPUT2: 0.21, EXEMPTOUTPUT: 0 }, salesTaxType: "OUTPUT2" },
    europeContacts,
    [
      {
        contact: "Stark Logistics B.V.",
        status: "PAID",
        daysAgo: 30,
        dueAfterDays: 14,
        product: 1,
        lineAmountTypes: "Exclusive",
        taxType: "OUTPUT2",
        payments: [{ daysAgo: 10, fraction: 1 }],
      },
      {
        contact: "Stark Logistics B.V.",
        status: "AUTHORISED",
        daysAgo: 8,
        dueAfterDays: 30,
        product: 3,
        lineAmountTypes: "Exclusive",
        taxType: "OUTPUT2",
      },
      // Overdue, in pounds.
      {
        contact: "Tyrell Bio Ltd",
        status: "AUTHORISED",
        daysAgo: 35,
        dueAfterDays: 14,
        product: 2,
        taxType: "EXEMPTOUTPUT",
      },
      { contact: "Soylent Foods", status: "DRAFT", daysAgo: 3, dueAfterDays: 30, product: 4 },
      { contact: "Soylent Foods", status: "VOIDED", daysAgo: 25, dueAfterDays: 30, product: 0 },
    ],
    now,
  );
  return [usOrganisation, europeOrganisation];
}
