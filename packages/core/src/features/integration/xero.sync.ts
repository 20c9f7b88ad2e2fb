import {
  type AccountingCustomer,
  type AccountingInvoice,
  type CompanyIndex,
  companyIndex,
  companyOfCustomer,
  storeInvoice,
} from "./accounting.sync";
import type { ConnectionItem } from "./connection.queries";
import { CustomerLinkEntity, type InvoiceStatus } from "./invoice.entity";
import { runSync, type SyncRunOutcome } from "./sync-runner";
import {
  listXeroContacts,
  listXeroSalesInvoices,
  type XeroContact,
  type XeroInvoice,
  type XeroTarget,
  xeroContactsByIds,
} from "./xero.client";

export const xeroResource = "xero.books";

/** The CRM's reading of a Xero sales invoice's state. */
export function xeroInvoiceStatusOf(invoice: XeroInvoice, today: string): InvoiceStatus {
  switch (invoice.Status) {
    case "DRAFT":
    case "SUBMITTED": // waiting for approval: not yet owed
      return "draft";
    case "AUTHORISED":
      return invoice.DueDate && invoice.DueDate.slice(0, 10) < today && invoice.AmountDue > 0 ? "overdue" : "sent";
    case "PAID":
      return "paid";
    case "VOIDED":
    case "DELETED":
      return "void";
  }
}

const xeroCustomer = (contact: XeroContact): AccountingCustomer => ({
  externalId: contact.ContactID,
  matchName: contact.Name,
  displayName: contact.Name,
  website: contact.Website,
  email: contact.EmailAddress,
});

/** A Xero sales invoice as the books' copy is stored, whoever read it (the sync, or drafting one from a deal). */
export const xeroInvoice = (invoice: XeroInvoice, today: string): AccountingInvoice => ({
  externalId: invoice.InvoiceID,
  number: invoice.InvoiceNumber,
  status: xeroInvoiceStatusOf(invoice, today),
  currency: invoice.CurrencyCode,
  total: invoice.Total,
  balance: invoice.AmountDue,
  // Xero's invoice dates are days at 00:00 UTC.
  issuedOn: invoice.Date.slice(0, 10),
  dueOn: invoice.DueDate?.slice(0, 10),
  externalUpdatedAt: invoice.UpdatedDateUTC,
  payments: invoice.Payments.map((payment) => ({
    externalId: payment.PaymentID,
    amount: payment.Amount,
    receivedOn: payment.Date.slice(0, 10),
  })),
  paymentIds: invoice.Payments.map((payment) => payment.PaymentID),
});

/** What one run knows of contacts: those already matched or tried, and those read but not yet tried. */
type ContactsOfRun = { tried: Set<string>; readNotTried: Map<string, XeroContact> };

/**
 * The company of each contact an invoice page names: its link, else a match tried now. A contact with sales
 * invoices is a customer whatever its (read-only, possibly stale) IsCustomer says, so one the contact pages did not
 * show (unchanged, or archived) is read by id.
 */
async function companiesOfContacts(
  connection: ConnectionItem,
  target: XeroTarget,
  contactIds: string[],
  companies: CompanyIndex,
  contacts: ContactsOfRun,
): Promise<Map<string, string>> {
  const companyOf = new Map<string, string>();
  const unlinked: string[] = [];
  for (const contactId of new Set(contactIds)) {
    const { data: link } = await CustomerLinkEntity.get({
      orgId: connection.orgId,
      connectionId: connection.connectionId,
      externalId: contactId,
    }).go();
    if (link) companyOf.set(contactId, link.companyId);
    else if (!contacts.tried.has(contactId)) unlinked.push(contactId);
  }
  const toRead = unlinked.filter((contactId) => !contacts.readNotTried.has(contactId));
  const read = toRead.length > 0 ? await xeroContactsByIds(target, toRead) : [];
  for (const contact of [...unlinked.flatMap((id) => contacts.readNotTried.get(id) ?? []), ...read]) {
    contacts.tried.add(contact.ContactID);
    contacts.readNotTried.delete(contact.ContactID);
    const companyId = await companyOfCustomer(connection, xeroCustomer(contact), companies);
    if (companyId) companyOf.set(contact.ContactID, companyId);
  }
  return companyOf;
}

/**
 * Syncs a Xero organisation's customers and sales invoices, as the QuickBooks sync does: customers matched to
 * companies (recorded once), invoices of matched customers copied onto their company. The cursor is the newest
 * change Xero reported (`UpdatedDateUTC`), sent back as `If-Modified-Since`. A connection waiting for an admin to
 * choose its organisation is skipped.
 */
export function syncXero(connection: ConnectionItem): Promise<SyncRunOutcome> {
  // No organisation chosen yet (pending): there is no tenant to name in xero-tenant-id.
  if (!connection.accountKey) return Promise.resolve("skipped");
  const target: XeroTarget = {
    keys: { orgId: connection.orgId, connectionId: connection.connectionId },
    tenantId: connection.accountKey,
  };
  return runSync(connection, xeroResource, async (cursor) => {
    const today = new Date().toISOString().slice(0, 10);
    const companies = await companyIndex(connection.orgId);
    let newest = cursor ?? "";
    const seen = (instant: string) => {
      if (instant > newest) newest = instant;
    };
    const contacts: ContactsOfRun = { tried: new Set(), readNotTried: new Map() };
    for await (const page of listXeroContacts(target, cursor)) {
      for (const contact of page) {
        seen(contact.UpdatedDateUTC);
        if (!contact.IsCustomer) {
          // A supplier, or a contact without sales invoices yet: matched only if an invoice names it.
          contacts.readNotTried.set(contact.ContactID, contact);
          continue;
        }
        contacts.tried.add(contact.ContactID);
        await companyOfCustomer(connection, xeroCustomer(contact), companies);
      }
    }
    let written = 0;
    for await (const page of listXeroSalesInvoices(target, cursor)) {
      const companyOf = await companiesOfContacts(
        connection,
        target,
        page.map((invoice) => invoice.Contact.ContactID),
        companies,
        contacts,
      );
      for (const invoice of page) {
        seen(invoice.UpdatedDateUTC);
        const companyId = companyOf.get(invoice.Contact.ContactID);
        if (companyId && (await storeInvoice(connection, companyId, xeroInvoice(invoice, today)))) written++;
      }
    }
    return { cursor: newest || new Date(Date.now() - 300_000).toISOString(), itemsSynced: written };
  });
}
