import type { FieldChange } from "../../capabilities/audit/audit.schema";
import { auditAction } from "../../capabilities/audit/audit.service";
import { UniqueValueEntity } from "../../capabilities/unique/unique-value.entity";
import { CompanyEntity } from "../../domain/company/company.entity";
import { createCompany } from "../../domain/company/company.service";
import { changeSet } from "../../platform/change-set";
import { ConcurrentModificationError, DomainError } from "../../platform/errors";
import { derivedId } from "../../platform/ids";
import { inTransaction } from "../../platform/table";
import { retryingConflicts, succeedsUnlessTaken } from "../../platform/transactions";
import type { ConnectionItem } from "./connection.queries";
import { integrationContext } from "./connection.service";
import type { ConnectionKeys } from "./integration-log";
import { CustomerLinkEntity, InvoiceEntity, type InvoiceStatus } from "./invoice.entity";
import {
  changesWindowMilliseconds,
  type QboCustomer,
  type QboInvoice,
  type QboPayment,
  type QuickBooksChanges,
  queryQuickBooks,
  quickBooksChangesSince,
} from "./quickbooks.client";
import { runSync, type SyncRunOutcome } from "./sync-runner";

export const quickBooksResource = "quickbooks.books";

const legalSuffixes =
  /\b(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|bv|nv|sa|sas|plc|pty)\b\.?/g;

/** A company name as people write it differently: case, punctuation and legal suffixes ignored. */
export function normalisedName(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\./g, "") // "S.A." is "SA", "Inc." is "Inc"
    .replace(/[^\p{L}\p{N} ]+/gu, " ")
    .replace(legalSuffixes, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A customer of the books as matching needs it, whatever the provider: its id, the name to match (the company's
 * name where the provider keeps one apart), the name it is shown by, and where its domain can come from.
 */
export type AccountingCustomer = {
  externalId: string;
  matchName: string;
  displayName: string;
  website?: string | undefined;
  email?: string | undefined;
};

/** The customer's web domain: its website's host, else its email's domain. */
export function domainOf(customer: Pick<AccountingCustomer, "website" | "email">): string | undefined {
  const website = customer.website;
  if (website) {
    try {
      return new URL(/^https?:\/\//i.test(website) ? website : `https://${website}`).hostname.replace(/^www\./, "");
    } catch {
      // fall through to the email's domain
    }
  }
  return customer.email?.split("@")[1]?.toLowerCase();
}

/** Minor units of an amount in a currency (2 decimals unless the currency has others, like JPY's 0). */
export function minorUnits(amount: number, currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code: two decimals, as most currencies
  }
  return Math.round(amount * 10 ** digits);
}

/** The CRM's reading of a QuickBooks invoice's state. */
export function invoiceStatusOf(invoice: QboInvoice, today: string): InvoiceStatus {
  if (invoice.TotalAmt === 0 && invoice.Balance === 0) return "void"; // QuickBooks voids by zeroing the amounts
  if (invoice.Balance === 0) return "paid";
  if (invoice.DueDate && invoice.DueDate < today) return "overdue";
  return invoice.EmailStatus === "EmailSent" ? "sent" : "draft";
}

/** An invoice's id from its connection and provider id: the sync and a drafted invoice land on the same item. */
export const invoiceIdOf = (connectionId: string, externalId: string) => derivedId("invoice", connectionId, externalId);

/** The organisation's companies by normalised name, read once per run. */
export type CompanyIndex = { byName: Map<string, string> };

/** The organisation's companies by normalised name, for matching customers by name. */
export async function companyIndex(orgId: string): Promise<CompanyIndex> {
  const { data } = await CompanyEntity.query
    .companiesByName({ orgId })
    .go({ pages: "all", attributes: ["companyId", "name"] });
  return { byName: new Map(data.map((company) => [normalisedName(company.name), company.companyId])) };
}

/**
 * Creates the company an unmatched customer becomes, owned by the admin who connected the books. Its id comes from
 * the connection and the customer, so two syncs importing one customer at once make one company; a company that
 * took the customer's domain meanwhile is matched by the next run instead.
 */
async function importCustomer(connection: ConnectionItem, customer: AccountingCustomer): Promise<string | undefined> {
  const companyId = derivedId("company", connection.connectionId, customer.externalId);
  const domain = domainOf(customer);
  const context = integrationContext(
    connection,
    `integration:import:${connection.connectionId}:${customer.externalId}`,
  );
  const { data: existing } = await CompanyEntity.get({ orgId: connection.orgId, companyId }).go({ consistent: true });
  if (existing) return companyId;
  try {
    await createCompany(
      context,
      {
        name: customer.displayName.slice(0, 200),
        ...(domain ? { domain } : {}),
        ownerId: connection.createdBy,
        tags: [],
      },
      { companyId },
    );
    return companyId;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { data: raced } = await CompanyEntity.get({ orgId: connection.orgId, companyId }).go({ consistent: true });
    return raced ? companyId : undefined;
  }
}

/**
 * The company a customer is: the link recorded before, else a company with its domain, else one with its
 * normalised name; the match is recorded once. Customers matching no company are left alone.
 */
export async function companyOfCustomer(
  connection: ConnectionItem,
  customer: AccountingCustomer,
  companies: CompanyIndex,
): Promise<string | undefined> {
  const keys = { orgId: connection.orgId, connectionId: connection.connectionId, externalId: customer.externalId };
  const { data: link } = await CustomerLinkEntity.get(keys).go({ consistent: true });
  if (link) return link.companyId;
  const domain = domainOf(customer);
  const byDomain = domain
    ? (await UniqueValueEntity.get({ orgId: connection.orgId, kind: "company-domain", value: domain }).go()).data
        ?.ownerId
    : undefined;
  const byName = byDomain ? undefined : companies.byName.get(normalisedName(customer.matchName));
  const matched = byDomain ?? byName;
  const companyId =
    matched ?? (connection.importUnmatchedCustomers ? await importCustomer(connection, customer) : undefined);
  if (!companyId) return undefined;
  if (!matched) companies.byName.set(normalisedName(customer.matchName), companyId);
  await CustomerLinkEntity.create({
    ...keys,
    companyId,
    externalName: customer.displayName,
    matchedBy: byDomain ? "domain" : byName ? "name" : "imported",
    createdAt: new Date().toISOString(),
  })
    .go()
    .catch(() => undefined); // recorded by a concurrent sync meanwhile: the same match
  return companyId;
}

/**
 * An invoice as the books have it, whatever the provider: amounts in the currency's major units (as providers give
 * them), dates as days, and the provider's last change as an ISO instant.
 */
export type AccountingInvoice = {
  externalId: string;
  number?: string | undefined;
  status: InvoiceStatus;
  currency: string;
  total: number;
  balance: number;
  issuedOn: string;
  dueOn?: string | undefined;
  externalUpdatedAt: string;
  /** Payments read with it (all of them, or those changed since the last run). */
  payments?: AccountingPayment[] | undefined;
  /** The ids of every payment the books link to it now, when known: a payment no longer listed was deleted. */
  paymentIds?: string[] | undefined;
};

/** A payment applied to an invoice: the amount it paid of that invoice, in major units, and its date. */
export type AccountingPayment = { externalId: string; amount: number; receivedOn: string };

/** A payment's id on an invoice: one payment may pay several invoices, and each keeps its share. */
const paymentIdOf = (connectionId: string, paymentId: string, invoiceId: string) =>
  derivedId("payment", connectionId, paymentId, invoiceId);

type StoredPayment = { paymentId: string; externalId: string; amountMinor: number; receivedOn: string };

/**
 * The invoice's payments: those known before, updated by those read now, less those the books no longer link to
 * it (a deleted payment), oldest first.
 */
function paymentsOf(connection: ConnectionItem, invoice: AccountingInvoice, known: StoredPayment[]): StoredPayment[] {
  const byId = new Map(known.map((payment) => [payment.externalId, payment]));
  for (const payment of invoice.payments ?? []) {
    byId.set(payment.externalId, {
      paymentId: paymentIdOf(connection.connectionId, payment.externalId, invoice.externalId),
      externalId: payment.externalId,
      amountMinor: minorUnits(payment.amount, invoice.currency),
      receivedOn: payment.receivedOn,
    });
  }
  const linked = invoice.paymentIds ? new Set(invoice.paymentIds) : undefined;
  return [...byId.values()]
    .filter((payment) => !linked || linked.has(payment.externalId))
    .sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.externalId.localeCompare(b.externalId));
}

/**
 * Writes an invoice's copy unless a newer one is there already (a late webhook after a poll, or the reverse).
 * `dealId` links it to the deal it was drafted from; a copy linked before keeps its deal.
 */
export async function storeInvoice(
  connection: ConnectionItem,
  companyId: string,
  invoice: AccountingInvoice,
  dealId?: string,
) {
  const item = {
    orgId: connection.orgId,
    invoiceId: invoiceIdOf(connection.connectionId, invoice.externalId),
    companyId,
    provider: connection.provider,
    connectionId: connection.connectionId,
    externalId: invoice.externalId,
    ...(invoice.number ? { number: invoice.number } : {}),
    status: invoice.status,
    currency: invoice.currency,
    totalMinor: minorUnits(invoice.total, invoice.currency),
    balanceMinor: minorUnits(invoice.balance, invoice.currency),
    issuedOn: invoice.issuedOn,
    ...(invoice.dueOn ? { dueOn: invoice.dueOn } : {}),
    externalUpdatedAt: invoice.externalUpdatedAt,
    updatedAt: new Date().toISOString(),
  };
  // Two syncs of one connection (a webhook's and the poll's) may write the same invoice at once: the loser reads
  // the winner's copy and decides again.
  return retryingConflicts(async () => {
    const { data: current } = await InvoiceEntity.get({ orgId: item.orgId, invoiceId: item.invoiceId }).go({
      consistent: true,
    });
    const linksDeal = dealId !== undefined && current?.dealId === undefined;
    // A copy read earlier than the one stored never replaces it (a late webhook's sync after the poll's); the same
    // change again changes nothing.
    const newer = current !== undefined && current !== null && current.externalUpdatedAt > item.externalUpdatedAt;
    const same = current?.externalUpdatedAt === item.externalUpdatedAt && current?.status === item.status;
    if ((newer || same) && !linksDeal) return false;
    // The books do not know the deal a drafted invoice came from: keep the link.
    const linkedDeal = current?.dealId ?? dealId;
    const next = {
      ...(newer && current ? { ...current, updatedAt: item.updatedAt } : item),
      payments: newer && current ? (current.payments ?? []) : paymentsOf(connection, invoice, current?.payments ?? []),
      ...(linkedDeal ? { dealId: linkedDeal } : {}),
    };
    const context = integrationContext(connection, `integration:books:${item.invoiceId}:${item.externalUpdatedAt}`);
    const event = (
      recordType: "invoice" | "payment",
      recordId: string,
      action: "created" | "paid" | "received",
      changes: FieldChange[],
    ) => auditAction(context, { recordType, recordId, action, changes });
    const money = (amount: number) => ({ amount, currency: item.currency });
    // Conditional on the copy read above, so a concurrent writer's copy is never overwritten blind (nor its event
    // written twice): the condition fails, and the retry decides again on what is there.
    const write = current
      ? inTransaction(InvoiceEntity)
          .put(next)
          .where(({ externalUpdatedAt, status }, { eq }) =>
            [eq(externalUpdatedAt, current.externalUpdatedAt), eq(status, current.status)].join(" AND "),
          )
          .commit()
      : inTransaction(InvoiceEntity).create(next).commit();
    const changes = changeSet().add("invoice", write);
    // The audit entries are the outbox: each becomes invoice.created, invoice.paid or payment.received on the bus.
    if (!current) {
      changes.add(
        "audit entry",
        event("invoice", item.invoiceId, "created", [
          { field: "status", before: null, after: item.status },
          { field: "total", before: null, after: money(item.totalMinor) },
          { field: "companyId", before: null, after: companyId },
          ...(linkedDeal ? [{ field: "dealId", before: null, after: linkedDeal }] : []),
        ]),
      );
    }
    // Each payment the CRM had not seen on an invoice it knew raises payment.received (history raises none).
    const seenPayments = new Set((current?.payments ?? []).map((payment) => payment.paymentId));
    for (const payment of current ? next.payments.filter((each) => !seenPayments.has(each.paymentId)) : []) {
      changes.add(
        "payment entry",
        event("payment", payment.paymentId, "received", [
          { field: "amount", before: null, after: money(payment.amountMinor) },
          { field: "receivedOn", before: null, after: payment.receivedOn },
          { field: "invoiceId", before: null, after: item.invoiceId },
          { field: "companyId", before: null, after: companyId },
          ...(next.dealId ? [{ field: "dealId", before: null, after: next.dealId }] : []),
        ]),
      );
    }
    // Only a change the CRM saw happen: the first sync's already-paid history raises no invoice.paid.
    if (current && next.status === "paid" && current.status !== "paid") {
      changes.add(
        "paid entry",
        event("invoice", item.invoiceId, "paid", [
          { field: "status", before: current?.status ?? null, after: "paid" },
          ...(next.dealId ? [{ field: "dealId", before: null, after: next.dealId }] : []),
        ]),
      );
    }
    await changes.commit(() => new ConcurrentModificationError("invoice", item.invoiceId));
    return true;
  });
}

const quickBooksCustomer = (customer: QboCustomer): AccountingCustomer => ({
  externalId: customer.Id,
  matchName: customer.CompanyName ?? customer.DisplayName,
  displayName: customer.DisplayName,
  website: customer.WebAddr?.URI,
  email: customer.PrimaryEmailAddr?.Address,
});

/** What each invoice was paid by, from the payments read: a payment's lines say which invoices it pays. */
function paymentsByInvoice(payments: QboPayment[]): Map<string, AccountingPayment[]> {
  const byInvoice = new Map<string, AccountingPayment[]>();
  for (const payment of payments) {
    for (const line of payment.Line) {
      for (const linked of line.LinkedTxn.filter((each) => each.TxnType === "Invoice")) {
        const applied = { externalId: payment.Id, amount: line.Amount, receivedOn: payment.TxnDate };
        byInvoice.set(linked.TxnId, [...(byInvoice.get(linked.TxnId) ?? []), applied]);
      }
    }
  }
  return byInvoice;
}

/** A QuickBooks invoice as the CRM copies it, with the payments read for it. */
export const quickBooksInvoice = (
  invoice: QboInvoice,
  today: string,
  payments: AccountingPayment[] = [],
): AccountingInvoice => ({
  externalId: invoice.Id,
  number: invoice.DocNumber,
  status: invoiceStatusOf(invoice, today),
  currency: invoice.CurrencyRef?.value ?? "USD",
  total: invoice.TotalAmt,
  balance: invoice.Balance,
  issuedOn: invoice.TxnDate,
  dueOn: invoice.DueDate,
  externalUpdatedAt: new Date(invoice.MetaData.LastUpdatedTime).toISOString(),
  payments,
  paymentIds: invoice.LinkedTxn.filter((linked) => linked.TxnType === "Payment").map((linked) => linked.TxnId),
});

/** Everything changed since `since` (or everything), by query: the first run, or one after CDC's 30 days. */
async function queriedChanges(target: { keys: ConnectionKeys; realmId: string }, since: string | undefined) {
  const changes: QuickBooksChanges = { customers: [], invoices: [], payments: [], deleted: [] };
  for await (const page of queryQuickBooks(target, "Customer", since)) changes.customers.push(...page);
  for await (const page of queryQuickBooks(target, "Payment", since)) changes.payments.push(...page);
  for await (const page of queryQuickBooks(target, "Invoice", since)) changes.invoices.push(...page);
  return changes;
}

/**
 * A deleted invoice's copy: shown void, with nothing owed, as the books no longer count it (unless a newer copy is
 * there already). False when there was nothing to change.
 */
async function voidDeletedInvoice(connection: ConnectionItem, externalId: string, at: string): Promise<boolean> {
  const keys = { orgId: connection.orgId, invoiceId: invoiceIdOf(connection.connectionId, externalId) };
  const { data: current } = await InvoiceEntity.get(keys).go({ consistent: true });
  if (!current || current.status === "void" || current.externalUpdatedAt >= at) return false;
  // False when a newer copy won meanwhile.
  return succeedsUnlessTaken(
    InvoiceEntity.patch(keys)
      .set({ status: "void", balanceMinor: 0, externalUpdatedAt: at, updatedAt: new Date().toISOString() })
      .where(({ externalUpdatedAt }, { eq }) => eq(externalUpdatedAt, current.externalUpdatedAt))
      .go(),
  );
}

/**
 * Syncs a QuickBooks company's customers, invoices and payments: customers matched to companies (recorded once),
 * invoices of matched customers copied onto their company with their payments. The first run queries everything;
 * later runs ask Change Data Capture for what changed since the cursor (the newest change seen), deletions
 * included, so a missed webhook is caught by the next scheduled run. A cursor older than CDC's 30 days queries
 * again.
 */
export function syncQuickBooks(connection: ConnectionItem): Promise<SyncRunOutcome> {
  const target = {
    keys: { orgId: connection.orgId, connectionId: connection.connectionId },
    realmId: connection.accountKey,
  };
  return runSync(connection, quickBooksResource, async (cursor) => {
    const today = new Date().toISOString().slice(0, 10);
    const companies = await companyIndex(connection.orgId);
    // One second back: QuickBooks times have whole seconds, and re-reading the boundary's changes is harmless.
    const since = cursor ? new Date(Date.parse(cursor) - 1000).toISOString() : undefined;
    const changes =
      since && Date.now() - Date.parse(since) < changesWindowMilliseconds
        ? await quickBooksChangesSince(target, since)
        : await queriedChanges(target, since);
    let newest = cursor ?? "";
    const seen = (time: string) => {
      const iso = new Date(time).toISOString();
      if (iso > newest) newest = iso;
    };
    for (const customer of changes.customers) {
      seen(customer.MetaData.LastUpdatedTime);
      await companyOfCustomer(connection, quickBooksCustomer(customer), companies);
    }
    // A payment changes its invoices too, so they come in the same window and take it along.
    for (const payment of changes.payments) seen(payment.MetaData.LastUpdatedTime);
    const paidBy = paymentsByInvoice(changes.payments);
    let written = 0;
    for (const invoice of changes.invoices) {
      seen(invoice.MetaData.LastUpdatedTime);
      const { data: link } = await CustomerLinkEntity.get({
        orgId: connection.orgId,
        connectionId: connection.connectionId,
        externalId: invoice.CustomerRef.value,
      }).go();
      const copy = quickBooksInvoice(invoice, today, paidBy.get(invoice.Id));
      if (link && (await storeInvoice(connection, link.companyId, copy))) written++;
    }
    for (const deleted of changes.deleted) {
      seen(deleted.at);
      if (deleted.entity === "Invoice" && (await voidDeletedInvoice(connection, deleted.id, deleted.at))) written++;
    }
    return { cursor: newest || new Date(Date.now() - 300_000).toISOString(), itemsSynced: written };
  });
}
