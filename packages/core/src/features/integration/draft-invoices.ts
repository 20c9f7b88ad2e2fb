import { createHash } from "node:crypto";
import { CompanyEntity } from "../../domain/company/company.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { type AccountingInvoice, invoiceIdOf, quickBooksInvoice, storeInvoice } from "./accounting.sync";
import { ConnectionEntity } from "./connection.entity";
import type { ConnectionItem } from "./connection.queries";
import { ProviderUnavailableError } from "./integration.errors";
import { CustomerLinkEntity } from "./invoice.entity";
import { companyInvoices } from "./invoice.queries";
import type { CompanyInvoices } from "./invoice.schema";
import { ProviderOutageError, ProviderRateLimitedError } from "./provider-calls";
import { createQuickBooksCustomer, createQuickBooksDraftInvoice, QuickBooksResponseError } from "./quickbooks.client";
import {
  createXeroContact,
  createXeroDraftInvoice,
  XeroResponseError,
  type XeroTarget,
  xeroContactsNamed,
} from "./xero.client";
import { xeroInvoice } from "./xero.sync";

type Invoice = CompanyInvoices["data"][number];

/** The books a deal can be invoiced in. */
export type BooksProvider = "quickbooks" | "xero";

const notConnected: Record<BooksProvider, string> = {
  quickbooks: "No QuickBooks Online company is connected.",
  xero: "No Xero organisation is connected.",
};

/** What drafting needs of the deal and its company. */
type DraftOrder = {
  dealId: string;
  companyId: string;
  company: { name: string; domain?: string | undefined };
  title: string;
  currency: string;
  /** The deal's value in the currency's major units, as the books take amounts. */
  amount: number;
};

/**
 * The books' failures as what they are for the caller: our dependency failing (502, with the provider's Retry-After
 * when it asked to slow down), never a 500 nor a client error. A retry is safe: the writes are idempotent.
 */
async function answeredByTheBooks<T>(provider: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderRateLimitedError || error instanceof ProviderOutageError) {
      throw new ProviderUnavailableError(provider, error.message, error.retryAfterSeconds, { cause: error });
    }
    if (error instanceof QuickBooksResponseError || error instanceof XeroResponseError) {
      throw new ProviderUnavailableError(provider, `The books refused the draft: ${error.message}`, undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A provider idempotency key from what the write is for: the same deal never makes a second invoice. */
const requestIdFor = (purpose: string) => createHash("sha256").update(purpose).digest("hex").slice(0, 36);

/**
 * The books to draft in: the organisation's active accounting connection, or the one `provider` names. With both
 * connected, the caller must choose, as a guess could invoice a customer in the wrong books.
 */
async function booksConnection(orgId: string, provider: BooksProvider | undefined): Promise<ConnectionItem> {
  const { data: connections } = await ConnectionEntity.query.connection({ orgId }).go({ pages: "all" });
  const active = connections.filter(
    (each) => (each.provider === "quickbooks" || each.provider === "xero") && each.status === "active",
  );
  if (provider) {
    const chosen = active.find((each) => each.provider === provider);
    if (!chosen) {
      throw new ValidationError([{ path: "query.provider", message: notConnected[provider] }]);
    }
    return chosen;
  }
  const [only] = active;
  if (!only) {
    throw new ValidationError([
      { path: "path.dealId", message: "No accounting books (QuickBooks Online or Xero) are connected." },
    ]);
  }
  // One connection per provider: more than one active means both books.
  if (active.length > 1) {
    throw new ValidationError([
      {
        path: "query.provider",
        message: "QuickBooks Online and Xero are both connected: choose one with provider=quickbooks or provider=xero.",
      },
    ]);
  }
  return only;
}

/** The books' customer (or contact) already linked to the company on this connection, if any. */
async function linkedCustomerId(connection: ConnectionItem, companyId: string): Promise<string | undefined> {
  const { data: links } = await CustomerLinkEntity.query
    .customerLink({ orgId: connection.orgId, connectionId: connection.connectionId })
    .go({ pages: "all" });
  return links.find((link) => link.companyId === companyId)?.externalId;
}

/** Records which customer of the books the company is, once. */
async function linkCustomer(
  connection: ConnectionItem,
  companyId: string,
  customer: { externalId: string; name: string },
  matchedBy: "name" | "created",
) {
  await CustomerLinkEntity.create({
    orgId: connection.orgId,
    connectionId: connection.connectionId,
    externalId: customer.externalId,
    companyId,
    externalName: customer.name,
    matchedBy,
    createdAt: new Date().toISOString(),
  })
    .go()
    .catch(() => undefined); // a retry (or a sync) recorded it already: the same customer
}

/** The draft in QuickBooks; its `requestid` makes a retried write answer the first invoice. */
async function draftInQuickBooks(connection: ConnectionItem, order: DraftOrder): Promise<AccountingInvoice> {
  const target = {
    keys: { orgId: connection.orgId, connectionId: connection.connectionId },
    realmId: connection.accountKey,
  };
  let customerId = await linkedCustomerId(connection, order.companyId);
  if (!customerId) {
    const customer = await createQuickBooksCustomer(
      target,
      { name: order.company.name, ...(order.company.domain ? { domain: order.company.domain } : {}) },
      requestIdFor(`customer\n${connection.connectionId}\n${order.companyId}`),
    );
    customerId = customer.Id;
    await linkCustomer(connection, order.companyId, { externalId: customer.Id, name: customer.DisplayName }, "created");
  }
  const invoice = await createQuickBooksDraftInvoice(
    target,
    { customerId, description: order.title, amount: order.amount, currency: order.currency },
    requestIdFor(`invoice\n${connection.connectionId}\n${order.dealId}`),
  );
  return quickBooksInvoice(invoice, new Date().toISOString().slice(0, 10));
}

/**
 * The draft in Xero, for the company's contact: its link, else an active contact of the same name (Xero refuses a
 * second one), else a new contact. `Idempotency-Key` makes a retried write answer the first contact and invoice.
 */
async function draftInXero(connection: ConnectionItem, order: DraftOrder): Promise<AccountingInvoice> {
  const target: XeroTarget = {
    keys: { orgId: connection.orgId, connectionId: connection.connectionId },
    tenantId: connection.accountKey,
  };
  let contactId = await linkedCustomerId(connection, order.companyId);
  if (!contactId) {
    const [named] = await xeroContactsNamed(target, order.company.name);
    const contact =
      named ??
      (await createXeroContact(
        target,
        { name: order.company.name, ...(order.company.domain ? { domain: order.company.domain } : {}) },
        requestIdFor(`contact\n${connection.connectionId}\n${order.companyId}`),
      ));
    contactId = contact.ContactID;
    await linkCustomer(
      connection,
      order.companyId,
      { externalId: contact.ContactID, name: contact.Name },
      named ? "name" : "created",
    );
  }
  const invoice = await createXeroDraftInvoice(
    target,
    { contactId, description: order.title, amount: order.amount, currency: order.currency },
    requestIdFor(`invoice\n${connection.connectionId}\n${order.dealId}`),
  );
  return xeroInvoice(invoice, new Date().toISOString().slice(0, 10));
}

/**
 * Creates a draft invoice for a won (or open) deal in the organisation's connected books (QuickBooks Online or Xero; with
 * both, the one `provider` names), for the deal's company (pushed as a new customer or contact if the books have
 * none for it), linked back to the deal. Idempotent: an invoice the deal already has is answered again, and the
 * provider's idempotency key (QuickBooks' `requestid`, Xero's `Idempotency-Key`) makes a retried write return its
 * first result, never a second invoice.
 */
export async function draftInvoiceForDeal(
  context: TenantContext,
  dealId: string,
  provider?: BooksProvider,
): Promise<{ invoice: Invoice; created: boolean }> {
  const { data: deal } = await DealEntity.get({ orgId: context.orgId, dealId }).go({ consistent: true });
  if (!deal) throw new NotFoundError("deal", dealId);
  // Won deals are invoiced, and open ones up front (paid, a rule can mark them won); a lost deal bills nobody.
  if (deal.status === "lost") {
    throw new ValidationError([
      { path: "path.dealId", message: "The deal is lost; only open and won deals are invoiced." },
    ]);
  }
  if (!deal.companyId) {
    throw new ValidationError([{ path: "path.dealId", message: "The deal has no company to invoice." }]);
  }
  const companyId = deal.companyId;
  const { data: company } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go();
  if (!company) throw new ValidationError([{ path: "path.dealId", message: "The deal's company no longer exists." }]);
  // A deal is invoiced once, whichever books: a retry is answered even after the other books were connected.
  const existing = (await companyInvoices(context, companyId)).data.find((invoice) => invoice.dealId === dealId);
  if (existing) return { invoice: existing, created: false };
  const connection = await booksConnection(context.orgId, provider);
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency: deal.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const order: DraftOrder = {
    dealId,
    companyId,
    company: { name: company.name, domain: company.domain },
    title: deal.title,
    currency: deal.currency,
    amount: deal.amount / 10 ** digits,
  };
  const drafted = await answeredByTheBooks(connection.provider, () =>
    connection.provider === "xero" ? draftInXero(connection, order) : draftInQuickBooks(connection, order),
  );
  await storeInvoice(connection, companyId, drafted, dealId);
  const invoiceId = invoiceIdOf(connection.connectionId, drafted.externalId);
  const created = (await companyInvoices(context, companyId)).data.find((each) => each.id === invoiceId);
  if (!created) throw new Error("The draft invoice was created but could not be read back.");
  return { invoice: created, created: true };
}
