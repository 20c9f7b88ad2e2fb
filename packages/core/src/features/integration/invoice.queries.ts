import { CompanyEntity } from "../../domain/company/company.entity";
import { NotFoundError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { InvoiceEntity } from "./invoice.entity";
import type { CompanyInvoices } from "./invoice.schema";

/**
 * A company's invoices from the connected books, newest first, with its open balance (what is owed on sent and
 * overdue invoices) and lifetime revenue (what paid and partly paid invoices brought in), per currency.
 */
export async function companyInvoices(context: TenantContext, companyId: string): Promise<CompanyInvoices> {
  const { data: company } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go();
  if (!company) throw new NotFoundError("company", companyId);
  const { data } = await InvoiceEntity.query
    .invoicesOfCompany({ orgId: context.orgId, companyId })
    .go({ pages: "all", order: "desc" });
  const openBalance = new Map<string, number>();
  const lifetimeRevenue = new Map<string, number>();
  for (const invoice of data) {
    if (invoice.status === "void" || invoice.status === "draft") continue;
    openBalance.set(invoice.currency, (openBalance.get(invoice.currency) ?? 0) + invoice.balanceMinor);
    lifetimeRevenue.set(
      invoice.currency,
      (lifetimeRevenue.get(invoice.currency) ?? 0) + invoice.totalMinor - invoice.balanceMinor,
    );
  }
  const amounts = (totals: Map<string, number>) =>
    [...totals.entries()].map(([currency, amount]) => ({ amount, currency })).filter(({ amount }) => amount !== 0);
  return {
    data: data.map((invoice) => ({
      id: invoice.invoiceId,
      provider: invoice.provider,
      externalId: invoice.externalId,
      ...(invoice.number ? { number: invoice.number } : {}),
      status: invoice.status,
      total: { amount: invoice.totalMinor, currency: invoice.currency },
      balance: { amount: invoice.balanceMinor, currency: invoice.currency },
      issuedOn: invoice.issuedOn,
      ...(invoice.dueOn ? { dueOn: invoice.dueOn } : {}),
      ...(invoice.dealId ? { dealId: invoice.dealId } : {}),
      updatedAt: invoice.updatedAt,
    })),
    summary: { openBalance: amounts(openBalance), lifetimeRevenue: amounts(lifetimeRevenue) },
  };
}
