import {
  adminsOnly,
  editors,
  everyRole,
  httpHandler,
  managers,
  type RouteDeclaration,
} from "../../declarations/route-declaration";

/**
 * Connections to providers (Gmail, Google Calendar), the OAuth callback, and the providers' push notifications.
 * Dependency-free, as SST's config loader imports the route table; the schemas are in integration.contract.ts.
 */
export const integrationRoutes = {
  "integrations.list": {
    method: "GET",
    path: "/v1/orgs/{orgId}/integrations",
    handler: httpHandler("integrations/list"),
    access: everyRole,
  },
  "integrations.connect": {
    method: "POST",
    path: "/v1/orgs/{orgId}/integrations/{provider}/connect",
    handler: httpHandler("integrations/connect"),
    access: editors,
    uses: ["integrations"],
  },
  "integrations.callback": {
    method: "GET",
    path: "/v1/integrations/{provider}/callback",
    handler: httpHandler("integrations/callback"),
    access: "public",
    uses: ["table", "integrations", "bus"],
  },
  "integrations.get": {
    method: "GET",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}",
    handler: httpHandler("integrations/get"),
    access: everyRole,
  },
  "integrations.delete": {
    method: "DELETE",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}",
    handler: httpHandler("integrations/delete"),
    access: editors,
    uses: ["integrations"],
  },
  "integrations.logs": {
    method: "GET",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}/logs",
    handler: httpHandler("integrations/logs"),
    access: everyRole,
  },
  "integrations.tenants": {
    method: "GET",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}/tenants",
    handler: httpHandler("integrations/tenants"),
    access: adminsOnly,
    uses: ["integrations"],
  },
  "integrations.update": {
    method: "PATCH",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}",
    handler: httpHandler("integrations/update"),
    access: adminsOnly,
  },
  "integrations.chooseTenant": {
    method: "PUT",
    path: "/v1/orgs/{orgId}/integrations/{connectionId}/tenant",
    handler: httpHandler("integrations/choose-tenant"),
    access: adminsOnly,
    uses: ["integrations"],
  },
  "companies.invoices": {
    method: "GET",
    path: "/v1/orgs/{orgId}/companies/{companyId}/invoices",
    handler: httpHandler("companies/invoices"),
    access: everyRole,
  },
  "companies.pushToBooks": {
    method: "POST",
    path: "/v1/orgs/{orgId}/companies/{companyId}/books-customer",
    handler: httpHandler("companies/push-to-books"),
    access: managers,
    uses: ["integrations"],
  },
  "deals.invoices": {
    method: "GET",
    path: "/v1/orgs/{orgId}/deals/{dealId}/invoices",
    handler: httpHandler("deals/invoices"),
    access: everyRole,
  },
  "deals.invoice": {
    method: "POST",
    path: "/v1/orgs/{orgId}/deals/{dealId}/invoice",
    handler: httpHandler("deals/invoice"),
    access: managers,
    uses: ["integrations"],
  },
  "integrations.gmailPush": {
    method: "POST",
    path: "/v1/integrations/google-gmail/push",
    handler: httpHandler("integrations/gmail-push"),
    access: "public",
    uses: ["table", "integrations", "bus"],
    signedBy: "Google Pub/Sub (an OIDC token of the push subscription's service account)",
  },
  "integrations.quickbooksWebhook": {
    method: "POST",
    path: "/v1/integrations/quickbooks/webhooks",
    handler: httpHandler("integrations/quickbooks-webhook"),
    access: "public",
    uses: ["table", "integrations", "bus"],
    signedBy: "Intuit (intuit-signature: HMAC-SHA256 of the body with the app's verifier token)",
  },
  "integrations.xeroWebhook": {
    method: "POST",
    path: "/v1/integrations/xero/webhooks",
    handler: httpHandler("integrations/xero-webhook"),
    access: "public",
    uses: ["table", "integrations", "bus"],
    signedBy: "Xero (x-xero-signature: HMAC-SHA256 of the body with the app's webhook key)",
  },
  "integrations.calendarNotification": {
    method: "POST",
    path: "/v1/integrations/google-calendar/notifications",
    handler: httpHandler("integrations/calendar-notification"),
    access: "public",
    uses: ["table", "integrations", "bus"],
    signedBy: "Google Calendar (the watch channel's token in X-Goog-Channel-Token)",
  },
} as const satisfies Record<string, RouteDeclaration>;
