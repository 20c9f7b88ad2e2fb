import { z } from "zod";
import { intuitConfig } from "../../platform/config/integrations.config";
import type { ConnectionKeys } from "./integration-log";
import { callProvider } from "./provider-calls";

/**
 * The QuickBooks Online endpoints the sync needs, over fetch through the resilient call path: not `intuit-oauth`
 * or `node-quickbooks`, which keep endpoints in process-wide statics, retry token calls themselves and bring axios,
 * winston and more (INTEGRATIONS.md §8).
 */

/** QuickBooks answered with a Fault (also inside an HTTP 200, as it does) or an unexpected shape. */
export class QuickBooksResponseError extends Error {
  override readonly name = "QuickBooksResponseError";
}

const money = z.coerce.number();
const metaData = z.object({ CreateTime: z.string().optional(), LastUpdatedTime: z.string() });

export const qboCustomerSchema = z.object({
  Id: z.string(),
  DisplayName: z.string(),
  CompanyName: z.string().optional(),
  PrimaryEmailAddr: z.object({ Address: z.string() }).optional(),
  WebAddr: z.object({ URI: z.string() }).optional(),
  Active: z.boolean().optional(),
  MetaData: metaData,
});
export type QboCustomer = z.infer<typeof qboCustomerSchema>;

export const qboInvoiceSchema = z.object({
  Id: z.string(),
  DocNumber: z.string().optional(),
  TxnDate: z.string(),
  DueDate: z.string().optional(),
  CustomerRef: z.object({ value: z.string() }),
  CurrencyRef: z.object({ value: z.string() }).optional(),
  TotalAmt: money,
  Balance: money,
  EmailStatus: z.string().optional(),
  PrivateNote: z.string().optional(),
  /** The transactions linked to it: its payments among them (a deleted payment is no longer linked). */
  LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() })).default([]),
  MetaData: metaData,
});
export type QboInvoice = z.infer<typeof qboInvoiceSchema>;

export const qboPaymentSchema = z.object({
  Id: z.string(),
  TxnDate: z.string(),
  CurrencyRef: z.object({ value: z.string() }).optional(),
  TotalAmt: money,
  /** What the payment pays: one line per invoice (or other transaction) with the amount applied to it. */
  Line: z
    .array(z.object({ Amount: money, LinkedTxn: z.array(z.object({ TxnId: z.string(), TxnType: z.string() })) }))
    .default([]),
  MetaData: metaData,
});
export type QboPayment = z.infer<typeof qboPaymentSchema>;

const entities = { Customer: qboCustomerSchema, Invoice: qboInvoiceSchema, Payment: qboPaymentSchema } as const;
type EntityName = keyof typeof entities;

/** QuickBooks' page size cap for a query, and CDC's cap on the objects of one answer (shared by its entities). */
const pageSize = 1000;
const changesCap = 1000;

type Realm = { keys: ConnectionKeys; realmId: string };
type QboAnswer = { Fault?: { Error?: { Message?: string; code?: string }[] } } & Record<string, unknown>;

const companyUrl = (realmId: string, path: string) =>
  new URL(
    `v3/company/${encodeURIComponent(realmId)}/${path}`,
    `${intuitConfig().accountingBaseUrl.replace(/\/?$/, "/")}`,
  );

/** The answer's body, or the error it is: a non-2xx, an unreadable body, or a Fault (QuickBooks sends some in a 200). */
async function answerOf(operation: string, response: Response): Promise<QboAnswer> {
  const body = (await response.json().catch(() => undefined)) as QboAnswer | undefined;
  if (!response.ok || !body || body.Fault) {
    const fault = body?.Fault?.Error?.[0];
    throw new QuickBooksResponseError(
      `${operation}: ${response.status}${fault ? ` fault ${fault.code}: ${fault.Message}` : ""}.`,
    );
  }
  return body;
}

/** One GET of the Accounting API through the resilient call path. */
async function readQuickBooks(realm: Realm, operation: string, url: URL): Promise<QboAnswer> {
  url.searchParams.set("minorversion", "75");
  const response = await callProvider({
    provider: "quickbooks",
    keys: realm.keys,
    operation,
    send: (token, signal) =>
      fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal }),
  });
  return answerOf(operation, response);
}

/**
 * Every `entity` changed after `since` (or every one), page by page: `select * from <Entity> where
 * Metadata.LastUpdatedTime > '<since>' startposition … maxresults 1000`.
 */
export async function* queryQuickBooks<E extends EntityName>(
  connection: Realm,
  entity: E,
  since?: string,
): AsyncGenerator<z.output<(typeof entities)[E]>[]> {
  for (let start = 1; ; start += pageSize) {
    const where = since ? ` where Metadata.LastUpdatedTime > '${since.replace(/'/g, "")}'` : "";
    const url = companyUrl(connection.realmId, "query");
    url.searchParams.set("query", `select * from ${entity}${where} startposition ${start} maxresults ${pageSize}`);
    const operation = `quickbooks.query.${entity.toLowerCase()}`;
    const body = await readQuickBooks(connection, operation, url);
    const answer = body.QueryResponse as Record<string, unknown> | undefined;
    const parsed = z.array(entities[entity]).safeParse(answer?.[entity] ?? []);
    if (!parsed.success) throw new QuickBooksResponseError(`${operation}: an unexpected shape.`);
    yield parsed.data as z.output<(typeof entities)[E]>[];
    if (parsed.data.length < pageSize) return;
  }
}

/**
 * The active customers with exactly this display name (QuickBooks keeps display names unique, so at most one):
 * `select * from Customer where DisplayName = '<name>'`, the quote escaped as QuickBooks' query language wants.
 */
export async function quickBooksCustomersNamed(connection: Realm, name: string): Promise<QboCustomer[]> {
  const url = companyUrl(connection.realmId, "query");
  url.searchParams.set("query", `select * from Customer where DisplayName = '${name.replace(/'/g, "\\'")}'`);
  const body = await readQuickBooks(connection, "quickbooks.query.customer", url);
  const parsed = z.array(qboCustomerSchema).safeParse((body.QueryResponse as Record<string, unknown>)?.Customer ?? []);
  if (!parsed.success) throw new QuickBooksResponseError("quickbooks.query.customer: an unexpected shape.");
  return parsed.data.filter((customer) => customer.Active !== false);
}

/** How far back Change Data Capture reaches (QuickBooks: 30 days), with a day to spare. */
export const changesWindowMilliseconds = 29 * 86_400_000;

const deletedSchema = z.object({ status: z.literal("Deleted"), Id: z.string(), MetaData: metaData });

/** What changed in the books since an instant, per entity, and what was deleted. */
export type QuickBooksChanges = {
  customers: QboCustomer[];
  invoices: QboInvoice[];
  payments: QboPayment[];
  deleted: { entity: EntityName; id: string; at: string }[];
};

/**
 * Change Data Capture: customers, invoices and payments changed since `since` (at most 30 days back), deletions
 * included, which a query cannot see. One answer holds at most 1,000 objects, the oldest; the rest is asked for
 * again from the newest change received.
 */
export async function quickBooksChangesSince(connection: Realm, since: string): Promise<QuickBooksChanges> {
  const changes: QuickBooksChanges = { customers: [], invoices: [], payments: [], deleted: [] };
  const seen = new Set<string>();
  for (let from = since; ; ) {
    const url = companyUrl(connection.realmId, "cdc");
    url.searchParams.set("entities", "Customer,Invoice,Payment");
    url.searchParams.set("changedSince", from);
    const body = await readQuickBooks(connection, "quickbooks.cdc", url);
    const answers = (body.CDCResponse as { QueryResponse?: Record<string, unknown>[] }[] | undefined)?.[0]
      ?.QueryResponse;
    let received = 0;
    let newest = from;
    for (const answer of answers ?? []) {
      for (const entity of Object.keys(entities) as EntityName[]) {
        const objects = answer[entity];
        if (!Array.isArray(objects)) continue;
        for (const object of objects) {
          received++;
          const deleted = deletedSchema.safeParse(object);
          const parsed = deleted.success ? deleted : entities[entity].safeParse(object);
          if (!parsed.success) throw new QuickBooksResponseError(`quickbooks.cdc: an unexpected ${entity}.`);
          const at = new Date(parsed.data.MetaData.LastUpdatedTime).toISOString();
          if (at > newest) newest = at;
          const key = `${entity}/${parsed.data.Id}/${at}`;
          if (seen.has(key)) continue; // the boundary of the previous answer, again
          seen.add(key);
          if (deleted.success) changes.deleted.push({ entity, id: deleted.data.Id, at });
          else if (entity === "Customer") changes.customers.push(parsed.data as QboCustomer);
          else if (entity === "Invoice") changes.invoices.push(parsed.data as QboInvoice);
          else changes.payments.push(parsed.data as QboPayment);
        }
      }
    }
    if (received < changesCap || newest === from) return changes;
    from = newest;
  }
}

/** One write (create) to QuickBooks, idempotent on `requestId` (Intuit's `requestid`: a retry gets the first answer). */
async function writeQuickBooks<S extends z.ZodType>(
  connection: Realm,
  entity: "customer" | "invoice",
  body: Record<string, unknown>,
  requestId: string,
  schema: S,
): Promise<z.output<S>> {
  const url = companyUrl(connection.realmId, entity);
  url.searchParams.set("requestid", requestId);
  url.searchParams.set("minorversion", "75");
  const operation = `quickbooks.create.${entity}`;
  const response = await callProvider({
    provider: "quickbooks",
    keys: connection.keys,
    operation,
    send: (token, signal) =>
      fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      }),
  });
  const answer = await answerOf(operation, response);
  const parsed = schema.safeParse(answer[entity === "customer" ? "Customer" : "Invoice"]);
  if (!parsed.success) throw new QuickBooksResponseError(`${operation}: an unexpected shape.`);
  return parsed.data;
}

/** Creates a customer for a CRM company. */
export function createQuickBooksCustomer(
  connection: Realm,
  company: { name: string; domain?: string },
  requestId: string,
) {
  return writeQuickBooks(
    connection,
    "customer",
    {
      DisplayName: company.name,
      CompanyName: company.name,
      ...(company.domain ? { WebAddr: { URI: `https://${company.domain}` } } : {}),
    },
    requestId,
    qboCustomerSchema,
  );
}

/** Creates a draft invoice (not yet sent) with one line. */
export function createQuickBooksDraftInvoice(
  connection: Realm,
  invoice: { customerId: string; description: string; amount: number; currency: string },
  requestId: string,
) {
  return writeQuickBooks(
    connection,
    "invoice",
    {
      CustomerRef: { value: invoice.customerId },
      CurrencyRef: { value: invoice.currency },
      EmailStatus: "NeedToSend",
      Line: [
        {
          DetailType: "SalesItemLineDetail",
          Amount: invoice.amount,
          Description: invoice.description,
          SalesItemLineDetail: { Qty: 1, UnitPrice: invoice.amount },
        },
      ],
    },
    requestId,
    qboInvoiceSchema,
  );
}
