import { z } from "zod";
import { xeroConfig } from "../../platform/config/integrations.config";
import type { ConnectionKeys } from "./integration-log";
import { callProvider } from "./provider-calls";

/**
 * The Xero Accounting API endpoints the sync and draft invoices need, over fetch through the resilient call path:
 * not `xero-node`, which hard-codes its identity endpoints and brings its own token handling (INTEGRATIONS.md §0, §8).
 */

/** Xero answered an error or an unexpected shape (not a rate limit or an outage, which callProvider raises). */
export class XeroResponseError extends Error {
  override readonly name = "XeroResponseError";
}

/**
 * Xero refused the organisation (403 AuthenticationUnsuccessful): the user disconnected the app from it, or the
 * grant never reached it. The tokens are fine; an admin must reconnect Xero or choose another organisation.
 */
export class XeroTenantUnavailableError extends Error {
  override readonly name = "XeroTenantUnavailableError";
  constructor(readonly tenantId: string) {
    super(
      `Xero refused organisation ${tenantId} (403 AuthenticationUnsuccessful): it is no longer connected to this app; reconnect Xero or choose another organisation.`,
    );
  }
}

/**
 * An instant from Xero's JSON dates: `/Date(1700000000000+0000)/` (epoch milliseconds, UTC; the offset only hints
 * at the organisation's zone) or ISO 8601, where a date without a zone is UTC, as Xero means it.
 */
export function parseXeroDate(value: string): number | undefined {
  const text = value.trim();
  const wcf = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(text);
  if (wcf) return Number(wcf[1]);
  const zoneless = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text);
  const parsed = Date.parse(zoneless ? `${text.length === 10 ? `${text}T00:00:00` : text}Z` : text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A Xero date as an ISO instant. */
const xeroInstant = z.string().transform((value, context) => {
  const instant = parseXeroDate(value);
  if (instant === undefined) {
    context.addIssue({ code: "custom", message: `Not a Xero date: ${value}` });
    return z.NEVER;
  }
  return new Date(instant).toISOString();
});

const money = z.coerce.number();

export const xeroContactSchema = z.object({
  ContactID: z.string(),
  Name: z.string(),
  EmailAddress: z.string().optional(),
  Website: z.string().optional(),
  ContactStatus: z.string().optional(),
  /** Read-only in Xero: the contact has sales invoices. */
  IsCustomer: z.boolean().optional(),
  UpdatedDateUTC: xeroInstant,
});
export type XeroContact = z.infer<typeof xeroContactSchema>;

export const xeroInvoiceStatuses = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"] as const;

export const xeroInvoiceSchema = z.object({
  Type: z.string(),
  InvoiceID: z.string(),
  InvoiceNumber: z.string().optional(),
  Contact: z.object({ ContactID: z.string() }),
  Date: xeroInstant,
  DueDate: xeroInstant.optional(),
  Status: z.enum(xeroInvoiceStatuses),
  Total: money,
  AmountDue: money,
  CurrencyCode: z.string(),
  /** The payments applied to it (a deleted payment is no longer listed). */
  Payments: z.array(z.object({ PaymentID: z.string(), Date: xeroInstant, Amount: money })).default([]),
  UpdatedDateUTC: xeroInstant,
});
export type XeroInvoice = z.infer<typeof xeroInvoiceSchema>;

const resources = { Contacts: xeroContactSchema, Invoices: xeroInvoiceSchema } as const;
type ResourceName = keyof typeof resources;

/** Xero's page size for Contacts and Invoices (asked for explicitly, so a short page means the last one). */
const pageSize = 100;

/** What a Xero call needs: the connection (for tokens and the log) and the organisation it reads. */
export type XeroTarget = { keys: ConnectionKeys; tenantId: string };

/**
 * `If-Modified-Since` as Xero documents it, `yyyy-MM-ddTHH:mm:ss` in UTC: it takes no milliseconds, so the instant
 * is floored to its second and the boundary's changes come again (harmless: the copies are compared).
 */
export const ifModifiedSince = (instant: string) => new Date(instant).toISOString().slice(0, 19);

async function getXero(
  target: XeroTarget,
  resource: ResourceName,
  query: Record<string, string>,
  since: string | undefined,
): Promise<unknown> {
  const url = new URL(resource, `${xeroConfig().apiBaseUrl.replace(/\/?$/, "/")}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const operation = `xero.${resource.toLowerCase()}.list`;
  const response = await callProvider({
    provider: "xero",
    keys: target.keys,
    operation,
    send: (token, signal) =>
      fetch(url, {
        headers: {
          authorization: `Bearer ${token}`,
          "xero-tenant-id": target.tenantId,
          accept: "application/json",
          ...(since ? { "if-modified-since": ifModifiedSince(since) } : {}),
        },
        signal,
      }),
  });
  return answerOf(operation, target, response);
}

/** The body of a definite answer, or the error it is. */
async function answerOf(operation: string, target: XeroTarget, response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json().catch(() => undefined)) as (XeroErrorBody & Record<string, unknown>) | undefined;
  if (response.status === 403 && body?.Detail === "AuthenticationUnsuccessful") {
    throw new XeroTenantUnavailableError(target.tenantId);
  }
  if (!response.ok || !body) throw new XeroResponseError(xeroProblem(operation, response.status, body));
  return body;
}

/** Xero's error bodies: the gateway's problem (`Detail`) or the API's exception (`Message`, `Elements`). */
type XeroErrorBody = {
  Detail?: string;
  Message?: string;
  Type?: string | null;
  Elements?: { ValidationErrors?: { Message?: string }[] }[];
};

/** What went wrong, as Xero put it: a validation message of the first refused element, else its message. */
function xeroProblem(operation: string, status: number, body: XeroErrorBody | undefined): string {
  const detail = body?.Elements?.[0]?.ValidationErrors?.[0]?.Message ?? body?.Message ?? body?.Detail;
  return `${operation}: ${status}${detail ? ` ${detail}` : ""}.`;
}

async function* pagesOf<R extends ResourceName>(
  target: XeroTarget,
  resource: R,
  query: Record<string, string>,
  since: string | undefined,
): AsyncGenerator<z.output<(typeof resources)[R]>[]> {
  for (let page = 1; ; page++) {
    const body = await getXero(target, resource, { ...query, page: String(page), pageSize: String(pageSize) }, since);
    const parsed = z.array(resources[resource]).safeParse((body as Record<string, unknown>)[resource] ?? []);
    if (!parsed.success) throw new XeroResponseError(`xero.${resource.toLowerCase()}.list: an unexpected shape.`);
    yield parsed.data as z.output<(typeof resources)[R]>[];
    if (parsed.data.length < pageSize) return;
  }
}

/** Every contact changed since `since` (or every active one), page by page. */
export function listXeroContacts(target: XeroTarget, since?: string): AsyncGenerator<XeroContact[]> {
  return pagesOf(target, "Contacts", {}, since);
}

/** Contacts by id, archived ones included (an invoice may name one that was archived since). */
export async function xeroContactsByIds(target: XeroTarget, contactIds: string[]): Promise<XeroContact[]> {
  const found: XeroContact[] = [];
  // Fifty ids keep the URL short whatever the proxy in between allows.
  for (let start = 0; start < contactIds.length; start += 50) {
    const ids = contactIds.slice(start, start + 50).join(",");
    for await (const page of pagesOf(target, "Contacts", { IDs: ids, includeArchived: "true" }, undefined)) {
      found.push(...page);
    }
  }
  return found;
}

/**
 * Every sales invoice (ACCREC; bills are not the CRM's business) changed since `since`, page by page, in every
 * status: Xero leaves deleted ones out unless asked, and a deleted draft must reach its copy too.
 */
export async function* listXeroSalesInvoices(target: XeroTarget, since?: string): AsyncGenerator<XeroInvoice[]> {
  const query = { where: 'Type=="ACCREC"', Statuses: xeroInvoiceStatuses.join(",") };
  for await (const page of pagesOf(target, "Invoices", query, since)) {
    yield page.filter((invoice) => invoice.Type === "ACCREC");
  }
}

/**
 * Active contacts named `name` as Xero compares names (trimmed, any case): a contact's name is unique among the
 * active ones, so a company without a link may still have its contact, which creating another would be refused.
 */
export async function xeroContactsNamed(target: XeroTarget, name: string): Promise<XeroContact[]> {
  const wanted = name.trim().toLowerCase();
  const found: XeroContact[] = [];
  // searchTerm matches parts of names and emails too; only the same name counts.
  for await (const page of pagesOf(target, "Contacts", { searchTerm: name.trim() }, undefined)) {
    found.push(...page.filter((contact) => contact.Name.trim().toLowerCase() === wanted));
  }
  return found;
}

/**
 * One create in Xero, idempotent on `idempotencyKey` (Xero's `Idempotency-Key`: a retry within its window answers
 * the first result and creates nothing). Answers the one element created.
 */
async function createInXero<R extends ResourceName>(
  target: XeroTarget,
  resource: R,
  element: Record<string, unknown>,
  idempotencyKey: string,
): Promise<z.output<(typeof resources)[R]>> {
  const url = new URL(resource, `${xeroConfig().apiBaseUrl.replace(/\/?$/, "/")}`);
  const operation = `xero.${resource.toLowerCase()}.create`;
  const response = await callProvider({
    provider: "xero",
    keys: target.keys,
    operation,
    send: (token, signal) =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "xero-tenant-id": target.tenantId,
          "idempotency-key": idempotencyKey,
          accept: "application/json",
          "content-type": "application/json",
        },
        body: JSON.stringify({ [resource]: [element] }),
        signal,
      }),
  });
  const body = await answerOf(operation, target, response);
  const parsed = z.array(resources[resource]).length(1).safeParse(body[resource]);
  if (!parsed.success) throw new XeroResponseError(`${operation}: an unexpected shape.`);
  return parsed.data[0] as z.output<(typeof resources)[R]>;
}

/** Creates a contact for a CRM company (Xero shows the website but, as its API documents, keeps it read-only). */
export function createXeroContact(
  target: XeroTarget,
  company: { name: string; domain?: string },
  idempotencyKey: string,
): Promise<XeroContact> {
  return createInXero(
    target,
    "Contacts",
    { Name: company.name, ...(company.domain ? { Website: `https://${company.domain}` } : {}) },
    idempotencyKey,
  );
}

/**
 * Creates a draft sales invoice (ACCREC, not yet approved) with one line. The amount is what the customer owes,
 * tax included: the draft totals the deal's value, and Xero carves the organisation's default sales tax out of it.
 */
export function createXeroDraftInvoice(
  target: XeroTarget,
  invoice: { contactId: string; description: string; amount: number; currency: string },
  idempotencyKey: string,
): Promise<XeroInvoice> {
  return createInXero(
    target,
    "Invoices",
    {
      Type: "ACCREC",
      Status: "DRAFT",
      Contact: { ContactID: invoice.contactId },
      CurrencyCode: invoice.currency,
      LineAmountTypes: "Inclusive",
      LineItems: [{ Description: invoice.description, Quantity: 1, UnitAmount: invoice.amount }],
    },
    idempotencyKey,
  );
}
