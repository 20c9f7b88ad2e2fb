import { createHash } from "node:crypto";
import { CompanyEntity } from "../../domain/company/company.entity";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import { ConnectionEntity } from "./connection.entity";
import type { ConnectionItem } from "./connection.queries";
import { ProviderUnavailableError } from "./integration.errors";
import { CustomerLinkEntity } from "./invoice.entity";
import type { BooksCustomer } from "./invoice.schema";
import { ProviderOutageError, ProviderRateLimitedError } from "./provider-calls";
import { createQuickBooksCustomer, QuickBooksResponseError, quickBooksCustomersNamed } from "./quickbooks.client";
import { createXeroContact, XeroResponseError, xeroContactsNamed } from "./xero.client";

/** The books a company or a deal can be pushed to. */
export type BooksProvider = "quickbooks" | "xero";

const notConnected: Record<BooksProvider, string> = {
  quickbooks: "No QuickBooks Online company is connected.",
  xero: "No Xero organisation is connected.",
};

/** A provider idempotency key from what the write is for: the same company or deal never makes a second one. */
export const requestIdFor = (purpose: string) => createHash("sha256").update(purpose).digest("hex").slice(0, 36);

/**
 * The books to write to: the organisation's active accounting connection, or the one `provider` names. With both
 * connected, the caller must choose, as a guess could bill a customer in the wrong books. `subjectPath` names the
 * record refused when no books are connected.
 */
export async function booksConnection(
  orgId: string,
  provider: BooksProvider | undefined,
  subjectPath: string,
): Promise<ConnectionItem> {
  const { data: connections } = await ConnectionEntity.query.connection({ orgId }).go({ pages: "all" });
  const active = connections.filter(
    (each) => (each.provider === "quickbooks" || each.provider === "xero") && each.status === "active",
  );
  if (provider) {
    const chosen = active.find((each) => each.provider === provider);
    if (!chosen) throw new ValidationError([{ path: "query.provider", message: notConnected[provider] }]);
    return chosen;
  }
  const [only] = active;
  if (!only) {
    throw new ValidationError([
      { path: subjectPath, message: "No accounting books (QuickBooks Online or Xero) are connected." },
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

/**
 * The books' failures as what they are for the caller: our dependency failing (502, with the provider's Retry-After
 * when it asked to slow down), never a 500 nor a client error. A retry is safe: the writes are idempotent.
 */
export async function answeredByTheBooks<T>(provider: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderRateLimitedError || error instanceof ProviderOutageError) {
      throw new ProviderUnavailableError(provider, error.message, error.retryAfterSeconds, { cause: error });
    }
    if (error instanceof QuickBooksResponseError || error instanceof XeroResponseError) {
      throw new ProviderUnavailableError(provider, `The books refused the write: ${error.message}`, undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

type LinkedCustomer = { externalId: string; externalName: string; matchedBy: BooksCustomer["matchedBy"] };

/** The books' customer (or contact) already linked to the company on this connection, if any. */
async function linkedCustomer(connection: ConnectionItem, companyId: string): Promise<LinkedCustomer | undefined> {
  const { data: links } = await CustomerLinkEntity.query
    .customerLink({ orgId: connection.orgId, connectionId: connection.connectionId })
    .go({ pages: "all" });
  return links.find((link) => link.companyId === companyId);
}

/** Records which customer of the books the company is, once; a link recorded meanwhile (a retry, a sync) wins. */
async function linkCustomer(connection: ConnectionItem, companyId: string, customer: LinkedCustomer) {
  await CustomerLinkEntity.create({
    orgId: connection.orgId,
    connectionId: connection.connectionId,
    externalId: customer.externalId,
    companyId,
    externalName: customer.externalName,
    matchedBy: customer.matchedBy,
    createdAt: new Date().toISOString(),
  })
    .go()
    .catch(() => undefined);
}

/** What pushing needs of a company. */
export type BooksCompany = { companyId: string; name: string; domain?: string | undefined };

/**
 * The company's customer in the books: the one linked before, else the one of its name (both books allow one
 * active customer or contact per name), else a new one, created with an idempotency key from connection and company so a
 * retried write answers the first. The link is recorded once.
 */
export async function customerOfCompany(
  connection: ConnectionItem,
  company: BooksCompany,
): Promise<LinkedCustomer & { created: boolean }> {
  const linked = await linkedCustomer(connection, company.companyId);
  if (linked) return { ...linked, created: false };
  const keys = { orgId: connection.orgId, connectionId: connection.connectionId };
  const input = { name: company.name, ...(company.domain ? { domain: company.domain } : {}) };
  let customer: LinkedCustomer;
  if (connection.provider === "xero") {
    const target = { keys, tenantId: connection.accountKey };
    const [named] = await xeroContactsNamed(target, company.name);
    const contact =
      named ??
      (await createXeroContact(
        target,
        input,
        requestIdFor(`contact\n${connection.connectionId}\n${company.companyId}`),
      ));
    customer = { externalId: contact.ContactID, externalName: contact.Name, matchedBy: named ? "name" : "created" };
  } else {
    // QuickBooks refuses a second customer of one display name, as Xero does a second contact.
    const target = { keys, realmId: connection.accountKey };
    const [named] = await quickBooksCustomersNamed(target, company.name);
    const created =
      named ??
      (await createQuickBooksCustomer(
        target,
        input,
        requestIdFor(`customer\n${connection.connectionId}\n${company.companyId}`),
      ));
    customer = { externalId: created.Id, externalName: created.DisplayName, matchedBy: named ? "name" : "created" };
  }
  await linkCustomer(connection, company.companyId, customer);
  return { ...customer, created: customer.matchedBy === "created" };
}

/**
 * Pushes a CRM company to the connected books as a customer (a contact in Xero), or answers the one it already is.
 * Idempotent, like drafting an invoice for it.
 */
export async function pushCompanyToBooks(
  context: TenantContext,
  companyId: string,
  provider?: BooksProvider,
): Promise<BooksCustomer> {
  const { data: company } = await CompanyEntity.get({ orgId: context.orgId, companyId }).go();
  if (!company) throw new NotFoundError("company", companyId);
  const connection = await booksConnection(context.orgId, provider, "path.companyId");
  const customer = await answeredByTheBooks(connection.provider, () =>
    customerOfCompany(connection, { companyId, name: company.name, domain: company.domain }),
  );
  return {
    provider: connection.provider as BooksProvider,
    connectionId: connection.connectionId,
    externalId: customer.externalId,
    name: customer.externalName,
    matchedBy: customer.matchedBy,
    created: customer.created,
  };
}
