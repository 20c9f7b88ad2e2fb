import { CompanyEntity } from "../../domain/company/company.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { type AccountingInvoice, invoiceIdOf, quickBooksInvoice, storeInvoice } from "./accounting.sync";
import {
  answeredByTheBooks,
  type BooksCompany,
  type BooksProvider,
  booksConnection,
  customerOfCompany,
  requestIdFor,
} from "./books-customers";
import type { ConnectionItem } from "./connection.queries";
import { companyInvoices } from "./invoice.queries";
import type { CompanyInvoices } from "./invoice.schema";
import { createQuickBooksDraftInvoice } from "./quickbooks.client";
import { createXeroDraftInvoice } from "./xero.client";
import { xeroInvoice } from "./xero.sync";

type Invoice = CompanyInvoices["data"][number];

/** What drafting needs of the deal and its company. */
type DraftOrder = {
  dealId: string;
  company: BooksCompany;
  title: string;
  currency: string;
  /** The deal's value in the currency's major units, as the books take amounts. */
  amount: number;
};

type DraftLine = { customerId: string; description: string; amount: number; currency: string };

/**
 * Each books' draft write and how its answer becomes the CRM's copy; each carries the provider's idempotency key
 * (QuickBooks' `requestid`, Xero's `Idempotency-Key`), so a retried write answers the first invoice.
 */
const drafters: Record<
  BooksProvider,
  (connection: ConnectionItem, line: DraftLine, key: string) => Promise<AccountingInvoice>
> = {
  quickbooks: async (connection, line, key) => {
    const keys = { orgId: connection.orgId, connectionId: connection.connectionId };
    const invoice = await createQuickBooksDraftInvoice({ keys, realmId: connection.accountKey }, line, key);
    return quickBooksInvoice(invoice, new Date().toISOString().slice(0, 10));
  },
  xero: async (connection, { customerId, ...line }, key) => {
    const keys = { orgId: connection.orgId, connectionId: connection.connectionId };
    const invoice = await createXeroDraftInvoice(
      { keys, tenantId: connection.accountKey },
      { contactId: customerId, ...line },
      key,
    );
    return xeroInvoice(invoice, new Date().toISOString().slice(0, 10));
  },
};

/** The draft in the connection's books, for the company's customer there (pushed first if it has none). */
async function draftIn(connection: ConnectionItem, order: DraftOrder): Promise<AccountingInvoice> {
  const customer = await customerOfCompany(connection, order.company);
  return drafters[connection.provider as BooksProvider](
    connection,
    { customerId: customer.externalId, description: order.title, amount: order.amount, currency: order.currency },
    requestIdFor(`invoice\n${connection.connectionId}\n${order.dealId}`),
  );
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
  const connection = await booksConnection(context.orgId, provider, "path.dealId");
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency: deal.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const order: DraftOrder = {
    dealId,
    company: { companyId, name: company.name, domain: company.domain },
    title: deal.title,
    currency: deal.currency,
    amount: deal.amount / 10 ** digits,
  };
  const drafted = await answeredByTheBooks(connection.provider, () => draftIn(connection, order));
  await storeInvoice(connection, companyId, drafted, dealId);
  const invoiceId = invoiceIdOf(connection.connectionId, drafted.externalId);
  const created = (await companyInvoices(context, companyId)).data.find((each) => each.id === invoiceId);
  if (!created) throw new Error("The draft invoice was created but could not be read back.");
  return { invoice: created, created: true };
}
