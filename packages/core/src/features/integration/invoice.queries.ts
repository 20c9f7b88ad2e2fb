import { CompanyEntity } from "../../domain/company/company.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { InvoiceEntity } from "./invoice.entity";
import type { CompanyInvoices, Invoice } from "./invoice.schema";

type InvoiceItem = NonNullable<Awaited<ReturnType<ReturnType<typeof InvoiceEntity.get>["go"]>>["data"]>;

type InvoicePayment = { paymentId: string; externalId: string; amountMinor: number; receivedOn: string };

/** The day as the books count due dates (UTC). */
const today = () => new Date().toISOString().slice(0, 10);

/**
 * An invoice as the API shows it. Overdue is decided on read: a sent invoice whose due date passed since the last
 * sync is overdue now, not at the next sync.
 */
export function toInvoice(item: InvoiceItem, day = today()): Invoice {
  const overdue = item.status === "sent" && item.dueOn !== undefined && item.dueOn < day && item.balanceMinor > 0;
  return {
    id: item.invoiceId,
    provider: item.provider,
    externalId: item.externalId,
    ...(item.number ? { number: item.number } : {}),
    status: overdue ? "overdue" : item.status,
    total: { amount: item.totalMinor, currency: item.currency },
    balance: { amount: item.balanceMinor, currency: item.currency },
    issuedOn: item.issuedOn,
    ...(item.dueOn ? { dueOn: item.dueOn } : {}),
    companyId: item.companyId,
    ...(item.dealId ? { dealId: item.dealId } : {}),
    payments: (item.payments ?? []).map((payment: InvoicePayment) => ({
      id: payment.paymentId,
      externalId: payment.externalId,
      amount: { amount: payment.amountMinor, currency: item.currency },
      receivedOn: payment.receivedOn,
    })),
    updatedAt: item.updatedAt,
  };
}

/** Open balance (owed on sent and overdue invoices) and lifetime revenue (what was paid), per currency. */
function summaryOf(invoices: InvoiceItem[]): CompanyInvoices["summary"] {
  const openBalance = new Map<string, number>();
  const lifetimeRevenue = new Map<string, number>();
  for (const invoice of invoices) {
    if (invoice.status === "void" || invoice.status === "draft") continue;
    openBalance.set(invoice.currency, (openBalance.get(invoice.currency) ?? 0) + invoice.balanceMinor);
    lifetimeRevenue.set(
      invoice.currency,
      (lifetimeRevenue.get(invoice.currency) ?? 0) + invoice.totalMinor - invoice.balanceMinor,
    );
  }
  const amounts = (totals: Map<string, number>) =>
    [...totals.entries()].map(([currency, amount]) => ({ amount, currency })).filter(({ amount }) => amount !== 0);
  return { openBalance: amounts(openBalance), lifetimeRevenue: amounts(lifetimeRevenue) };
}

const invoicesOfCompany = async (orgId: string, companyId: string) =>
  (await InvoiceEntity.query.invoicesOfCompany({ orgId, companyId }).go({ pages: "all", order: "desc" })).data;

/** A company's invoices from the connected books, newest first, with its open balance and lifetime revenue. */
export async function companyInvoices(context: TenantContext, companyId: string): Promise<CompanyInvoices> {
  const { data: company } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go();
  if (!company) throw new NotFoundError("company", companyId);
  const invoices = await invoicesOfCompany(context.orgId, companyId);
  const day = today();
  return { data: invoices.map((invoice) => toInvoice(invoice, day)), summary: summaryOf(invoices) };
}

/**
 * The invoices linked to a deal (drafted from it), newest first, with their totals. They are read from the deal's
 * company's invoices, where the books put them.
 */
export async function dealInvoices(context: TenantContext, dealId: string): Promise<CompanyInvoices> {
  const { data: deal } = await DealEntity.get({ orgId: context.orgId, dealId }).go();
  if (!deal) throw new NotFoundError("deal", dealId);
  const invoices = deal.companyId
    ? (await invoicesOfCompany(context.orgId, deal.companyId)).filter((invoice) => invoice.dealId === dealId)
    : [];
  const day = today();
  return { data: invoices.map((invoice) => toInvoice(invoice, day)), summary: summaryOf(invoices) };
}

/** One invoice of the organisation, as the API shows it. */
export async function getInvoice(context: TenantContext, invoiceId: string): Promise<Invoice> {
  const { data } = await InvoiceEntity.get({ orgId: context.orgId, invoiceId }).go();
  if (!data) throw new NotFoundError("invoice", invoiceId);
  return toInvoice(data);
}
