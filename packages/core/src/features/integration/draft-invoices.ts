import { createHash } from "node:crypto";
import { CompanyEntity } from "../../domain/company/company.entity";
import { DealEntity } from "../../domain/deal/deal.entity";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { invoiceIdOf, invoiceStatusOf, minorUnits } from "./accounting.sync";
import { ConnectionEntity } from "./connection.entity";
import { CustomerLinkEntity, InvoiceEntity } from "./invoice.entity";
import { companyInvoices } from "./invoice.queries";
import type { CompanyInvoices } from "./invoice.schema";
import { createQuickBooksCustomer, createQuickBooksDraftInvoice } from "./quickbooks.client";

type Invoice = CompanyInvoices["data"][number];

/** A provider idempotency key from what the write is for: the same deal never makes a second invoice. */
const requestIdFor = (purpose: string) => createHash("sha256").update(purpose).digest("hex").slice(0, 36);

/**
 * Creates a draft invoice for a won deal in the connected QuickBooks, for the deal's company (pushed as a new
 * customer if the books have none for it), linked back to the deal. Idempotent: an invoice the deal already has is
 * answered again, and QuickBooks' `requestid` makes a retried write return its first result, never a second invoice.
 */
export async function draftInvoiceForDeal(
  context: TenantContext,
  dealId: string,
): Promise<{ invoice: Invoice; created: boolean }> {
  const { data: deal } = await DealEntity.get({ orgId: context.orgId, dealId }).go({ consistent: true });
  if (!deal) throw new NotFoundError("deal", dealId);
  if (deal.status !== "won") {
    throw new ValidationError([
      { path: "path.dealId", message: `The deal is ${deal.status}; only won deals are invoiced.` },
    ]);
  }
  if (!deal.companyId) {
    throw new ValidationError([{ path: "path.dealId", message: "The deal has no company to invoice." }]);
  }
  const companyId = deal.companyId;
  const { data: company } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go();
  if (!company) throw new ValidationError([{ path: "path.dealId", message: "The deal's company no longer exists." }]);
  const { data: connections } = await ConnectionEntity.query.connection({ orgId: context.orgId }).go({ pages: "all" });
  const connection = connections.find((each) => each.provider === "quickbooks" && each.status === "active");
  if (!connection) {
    throw new ValidationError([{ path: "path.dealId", message: "No QuickBooks Online company is connected." }]);
  }
  const existing = (await companyInvoices(context, companyId)).data.find((invoice) => invoice.dealId === dealId);
  if (existing) return { invoice: existing, created: false };
  const target = {
    keys: { orgId: connection.orgId, connectionId: connection.connectionId },
    realmId: connection.accountKey,
  };
  const { data: links } = await CustomerLinkEntity.query
    .customerLink({ orgId: connection.orgId, connectionId: connection.connectionId })
    .go({ pages: "all" });
  let customerId = links.find((link) => link.companyId === companyId)?.externalId;
  if (!customerId) {
    const customer = await createQuickBooksCustomer(
      target,
      { name: company.name, ...(company.domain ? { domain: company.domain } : {}) },
      requestIdFor(`customer\n${connection.connectionId}\n${companyId}`),
    );
    customerId = customer.Id;
    await CustomerLinkEntity.create({
      orgId: connection.orgId,
      connectionId: connection.connectionId,
      externalId: customer.Id,
      companyId,
      externalName: customer.DisplayName,
      matchedBy: "created",
      createdAt: new Date().toISOString(),
    })
      .go()
      .catch(() => undefined); // a retry created it already: the same customer
  }
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency: deal.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const invoice = await createQuickBooksDraftInvoice(
    target,
    { customerId, description: deal.title, amount: deal.amount / 10 ** digits, currency: deal.currency },
    requestIdFor(`invoice\n${connection.connectionId}\n${dealId}`),
  );
  const currency = invoice.CurrencyRef?.value ?? deal.currency;
  await InvoiceEntity.put({
    orgId: connection.orgId,
    invoiceId: invoiceIdOf(connection.connectionId, invoice.Id),
    companyId,
    dealId,
    provider: connection.provider,
    connectionId: connection.connectionId,
    externalId: invoice.Id,
    ...(invoice.DocNumber ? { number: invoice.DocNumber } : {}),
    status: invoiceStatusOf(invoice, new Date().toISOString().slice(0, 10)),
    currency,
    totalMinor: minorUnits(invoice.TotalAmt, currency),
    balanceMinor: minorUnits(invoice.Balance, currency),
    issuedOn: invoice.TxnDate,
    ...(invoice.DueDate ? { dueOn: invoice.DueDate } : {}),
    externalUpdatedAt: new Date(invoice.MetaData.LastUpdatedTime).toISOString(),
    updatedAt: new Date().toISOString(),
  }).go();
  const created = (await companyInvoices(context, companyId)).data.find((each) => each.externalId === invoice.Id);
  if (!created) throw new Error("The draft invoice was created but could not be read back.");
  return { invoice: created, created: true };
}
