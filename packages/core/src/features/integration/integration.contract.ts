import { z } from "zod";
import { type ContractsOf, pageQuery } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import { quickBooksWebhookSchema, xeroWebhookSchema } from "./accounting.webhooks";
import {
  authorizationSchema,
  callbackQuery,
  connectionSchema,
  integrationLogEntrySchema,
  updateConnectionInput,
} from "./connection.schema";
import { pubsubPushSchema } from "./gmail.push";
import type { integrationRoutes } from "./integration.routes";
import { booksCustomerSchema, companyInvoicesSchema, invoiceSchema } from "./invoice.schema";

const tenantSchema = z
  .object({
    id: z.string().meta({ description: "Xero's tenant id." }),
    name: z.string(),
    chosen: z.boolean().meta({ description: "Whether the connection syncs this organisation." }),
  })
  .meta({ id: "IntegrationTenant" });

/** What the routes of integration.routes.ts accept and answer. */
export const integrationContracts = {
  "integrations.list": {
    summary: "List connections",
    description:
      "The organisation's connections to providers with their status and sync state: admins see all, everyone else their own and the organisation's. Tokens are never shown.",
    tag: "Integrations",
    query: z.strictObject({}),
    response: { status: 200, description: "Every visible connection.", schema: page(connectionSchema) },
  },
  "integrations.connect": {
    summary: "Start connecting a provider",
    description:
      "Returns the provider's authorization URL (code flow with PKCE S256; for Google, offline access with consent). Send the user's browser there; the provider redirects back to the callback, which completes the connection. The authorization expires after 10 minutes and can be completed once. Gmail and Calendar connect the caller's own account.",
    tag: "Integrations",
    response: { status: 200, description: "Where to send the user.", schema: authorizationSchema },
  },
  "integrations.callback": {
    summary: "Complete a connection (OAuth callback)",
    description:
      "The provider redirects the user's browser here. The `state` must be one this API issued for this provider, unexpired and unused: a replayed callback is refused (409) and the code is never exchanged twice. A partial grant connects with `status: needs_reauth` and the missing scopes listed.",
    tag: "Integrations",
    query: callbackQuery,
    response: { status: 200, description: "The connection.", schema: connectionSchema },
    errors: [409, 502],
  },
  "integrations.get": {
    summary: "Get a connection",
    tag: "Integrations",
    response: { status: 200, description: "The connection with its sync state.", schema: connectionSchema },
  },
  "integrations.update": {
    summary: "Change a connection's settings",
    description:
      "For the organisation's books (QuickBooks Online, Xero): whether accounting customers that match no company by domain or name are imported as companies from the next sync on.",
    tag: "Integrations",
    body: updateConnectionInput,
    response: { status: 200, description: "The connection.", schema: connectionSchema },
  },
  "integrations.delete": {
    summary: "Disconnect",
    description:
      "Revokes the grant at the provider, deletes the tokens and the sync state, and stops syncing; what was synced (emails, meetings) stays. The connection's owner or an admin.",
    tag: "Integrations",
    response: { status: 204, description: "Disconnected." },
  },
  "integrations.logs": {
    summary: "Read a connection's log",
    description:
      "One entry per call to the provider and per notification from it, newest first: operation, status, latency, attempt, provider request id and error class; never tokens or message contents. Kept 30 days. Admins and the connection's owner.",
    tag: "Integrations",
    query: pageQuery,
    response: { status: 200, description: "A page of log entries.", schema: page(integrationLogEntrySchema) },
  },
  "integrations.tenants": {
    summary: "List a Xero connection's organisations",
    description:
      "The Xero organisations the connection's grant reaches (`GET /connections` at Xero), and which one it syncs. A grant that reaches several leaves the connection `pending` until an admin chooses.",
    tag: "Integrations",
    response: { status: 200, description: "The organisations.", schema: page(tenantSchema) },
  },
  "integrations.chooseTenant": {
    summary: "Choose the Xero organisation to sync",
    description: "A pending connection becomes active; an active one switches organisation.",
    tag: "Integrations",
    body: z.strictObject({ tenantId: z.uuid().meta({ description: "A `tenantId` from the list." }) }),
    response: { status: 200, description: "The connection.", schema: connectionSchema },
    errors: [409, 502],
  },
  "companies.invoices": {
    summary: "List a company's invoices",
    description:
      "The company's invoices in the connected accounting system (QuickBooks Online or Xero), each with the payments applied to it, newest first, read-only: the books are the source of truth. A sent invoice past its due date with a balance is `overdue` as soon as the date passes. With the open balance (sent and overdue invoices) and lifetime revenue (what was paid), per currency, in integer minor units.",
    tag: "Companies",
    query: z.strictObject({}),
    response: { status: 200, description: "The invoices and the company's totals.", schema: companyInvoicesSchema },
  },
  "companies.pushToBooks": {
    summary: "Push a company to the books as a customer",
    description:
      "Makes the company a customer in the organisation's connected books (a contact in Xero), or answers the customer it already is (matched by domain or name, imported, or pushed before). Idempotent: the company is pushed once (QuickBooks' `requestid` and Xero's `Idempotency-Key` guard retried writes; in Xero an active contact of the same name is linked, as Xero allows one). The books failing is `502 provider-unavailable`.",
    tag: "Companies",
    query: z.strictObject({
      provider: z
        .enum(["quickbooks", "xero"])
        .optional()
        .meta({ description: "Which books, when both QuickBooks Online and Xero are connected." }),
    }),
    response: { status: 200, description: "The company's customer in the books.", schema: booksCustomerSchema },
    errors: [502],
  },
  "deals.invoices": {
    summary: "List a deal's invoices",
    description:
      "The invoices drafted from the deal, as the connected books have them now (status, balance, payments), newest first, with their totals per currency in integer minor units. Read-only: the books are the source of truth.",
    tag: "Deals",
    query: z.strictObject({}),
    response: { status: 200, description: "The deal's invoices and their totals.", schema: companyInvoicesSchema },
  },
  "deals.invoice": {
    summary: "Create a draft invoice from a deal",
    description:
      "Creates a draft invoice for a won deal (or an open one, invoiced up front; a lost deal is refused) for the deal's value in the organisation's connected books (QuickBooks Online or Xero), for the deal's company (pushed as a new customer or contact when the books have none for it), linked back to the deal. Idempotent: the deal's invoice is created once (QuickBooks' `requestid` and Xero's `Idempotency-Key` guard retried writes, and an invoice the deal already has is answered again).",
    tag: "Deals",
    query: z.strictObject({
      provider: z
        .enum(["quickbooks", "xero"])
        .optional()
        .meta({ description: "Which books, when both QuickBooks Online and Xero are connected." }),
    }),
    response: { status: 201, description: "The deal's invoice.", schema: invoiceSchema },
    errors: [502],
  },
  "integrations.gmailPush": {
    summary: "Gmail push notification (Pub/Sub)",
    description:
      "Called by Google Cloud Pub/Sub, not by clients: `Authorization` carries an OIDC token of the push subscription's service account (signature, issuer, audience, expiry, `email`, `email_verified` are checked before the body is read; anything else is a 401). The notification is acknowledged at once and every connection of the mailbox is synced from its stored history id, so duplicates are harmless.",
    tag: "Integrations",
    body: pubsubPushSchema,
    response: { status: 200, description: "Acknowledged." },
    errors: [401],
  },
  "integrations.quickbooksWebhook": {
    summary: "QuickBooks Online webhook",
    description:
      "Called by Intuit, not by clients: `intuit-signature` must be the base64 HMAC-SHA256 of the raw body under the app's verifier token, checked before the body is read (else 401). CloudEvents arrays and the legacy `eventNotifications` envelope are accepted; the named companies are synced from QuickBooks. Unknown realms are acknowledged and ignored.",
    tag: "Integrations",
    body: quickBooksWebhookSchema,
    response: { status: 200, description: "Acknowledged." },
    errors: [401],
  },
  "integrations.xeroWebhook": {
    summary: "Xero webhook",
    description:
      "Called by Xero, not by clients: `x-xero-signature` must be the base64 HMAC-SHA256 of the raw body under the app's webhook key, checked before the body is read (else 401, as Xero's intent-to-receive check expects; a correctly signed empty batch gets 200 with an empty body). The named tenants are synced from Xero; unknown tenants are acknowledged and ignored.",
    tag: "Integrations",
    body: xeroWebhookSchema,
    response: { status: 200, description: "Acknowledged (empty body)." },
    errors: [401],
  },
  "integrations.calendarNotification": {
    summary: "Google Calendar channel notification",
    description:
      "Called by Google Calendar, not by clients: an empty body with `X-Goog-Channel-ID`, `X-Goog-Resource-ID`, `X-Goog-Resource-State` and the channel's token in `X-Goog-Channel-Token`, compared in constant time with the one the API set when it opened the channel (anything else is a 401). `sync` is acknowledged; a change asks for a sync of the connection from its sync token.",
    tag: "Integrations",
    response: { status: 200, description: "Acknowledged." },
    errors: [401],
  },
} as const satisfies ContractsOf<typeof integrationRoutes>;
