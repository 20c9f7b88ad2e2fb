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

/** QuickBooks' page size cap for a query. */
const pageSize = 1000;

/**
 * Every `entity` changed after `since` (or every one), page by page: `select * from <Entity> where
 * Metadata.LastUpdatedTime > '<since>' startposition … maxresults 1000`.
 */
export async function* queryQuickBooks<E extends EntityName>(
  connection: { keys: ConnectionKeys; realmId: string },
  entity: E,
  since?: string,
): AsyncGenerator<z.output<(typeof entities)[E]>[]> {
  for (let start = 1; ; start += pageSize) {
    const where = since ? ` where Metadata.LastUpdatedTime > '${since.replace(/'/g, "")}'` : "";
    const query = `select * from ${entity}${where} startposition ${start} maxresults ${pageSize}`;
    const url = new URL(
      `v3/company/${encodeURIComponent(connection.realmId)}/query`,
      `${intuitConfig().accountingBaseUrl.replace(/\/?$/, "/")}`,
    );
    url.searchParams.set("query", query);
    url.searchParams.set("minorversion", "75");
    const response = await callProvider({
      provider: "quickbooks",
      keys: connection.keys,
      operation: `quickbooks.query.${entity.toLowerCase()}`,
      send: (token, signal) =>
        fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" }, signal }),
    });
    const body = (await response.json().catch(() => undefined)) as
      | { Fault?: { Error?: { Message?: string; code?: string }[] }; QueryResponse?: Record<string, unknown> }
      | undefined;
    if (!response.ok || !body || body.Fault) {
      const fault = body?.Fault?.Error?.[0];
      throw new QuickBooksResponseError(
        `quickbooks.query.${entity}: ${response.status}${fault ? ` fault ${fault.code}: ${fault.Message}` : ""}.`,
      );
    }
    const parsed = z.array(entities[entity]).safeParse(body.QueryResponse?.[entity] ?? []);
    if (!parsed.success) throw new QuickBooksResponseError(`quickbooks.query.${entity}: an unexpected shape.`);
    yield parsed.data as z.output<(typeof entities)[E]>[];
    if (parsed.data.length < pageSize) return;
  }
}

/** One write (create) to QuickBooks, idempotent on `requestId` (Intuit's `requestid`: a retry gets the first answer). */
async function writeQuickBooks<S extends z.ZodType>(
  connection: { keys: ConnectionKeys; realmId: string },
  entity: "customer" | "invoice",
  body: Record<string, unknown>,
  requestId: string,
  schema: S,
): Promise<z.output<S>> {
  const url = new URL(
    `v3/company/${encodeURIComponent(connection.realmId)}/${entity}`,
    `${intuitConfig().accountingBaseUrl.replace(/\/?$/, "/")}`,
  );
  url.searchParams.set("requestid", requestId);
  url.searchParams.set("minorversion", "75");
  const response = await callProvider({
    provider: "quickbooks",
    keys: connection.keys,
    operation: `quickbooks.create.${entity}`,
    send: (token, signal) =>
      fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      }),
  });
  const answer = (await response.json().catch(() => undefined)) as
    | ({ Fault?: { Error?: { Message?: string; code?: string }[] } } & Record<string, unknown>)
    | undefined;
  if (!response.ok || !answer || answer.Fault) {
    const fault = answer?.Fault?.Error?.[0];
    throw new QuickBooksResponseError(
      `quickbooks.create.${entity}: ${response.status}${fault ? ` fault ${fault.code}: ${fault.Message}` : ""}.`,
    );
  }
  const key = entity === "customer" ? "Customer" : "Invoice";
  const parsed = schema.safeParse(answer[key]);
  if (!parsed.success) throw new QuickBooksResponseError(`quickbooks.create.${entity}: an unexpected shape.`);
  return parsed.data;
}

/** Creates a customer for a CRM company. */
export function createQuickBooksCustomer(
  connection: { keys: ConnectionKeys; realmId: string },
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
  connection: { keys: ConnectionKeys; realmId: string },
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
