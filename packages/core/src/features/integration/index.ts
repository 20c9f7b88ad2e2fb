/** The public surface of this module: what handlers, jobs, the local cloud and the tests use. */

export { domainOf, minorUnits, normalisedName, storeInvoice, syncQuickBooks } from "./accounting.sync";
export {
  handleQuickBooksWebhook,
  handleXeroWebhook,
  quickBooksWebhookSchema,
  xeroWebhookSchema,
} from "./accounting.webhooks";
export { beginAuthorization, callbackUrl, completeAuthorization, connectionIdFor } from "./authorization.service";
export { pushCompanyToBooks } from "./books-customers";
export { type CalendarNotification, channelOf, handleCalendarNotification } from "./calendar.channels";
export { syncCalendar } from "./calendar.sync";
export { ConnectionEntity } from "./connection.entity";
export { connectionLog, getConnection, listConnections } from "./connection.queries";
export type { Connection } from "./connection.schema";
export {
  chooseConnectionTenant,
  connectionNeedsReauth,
  disconnect,
  listConnectionTenants,
  updateConnection,
} from "./connection.service";
export { draftInvoiceForDeal } from "./draft-invoices";
export { handleGmailPush, pubsubPushSchema } from "./gmail.push";
export { renewGmailWatch, syncGmail } from "./gmail.sync";
export { integrationContracts } from "./integration.contract";
export { keepConnectionsAlive, syncAllConnections } from "./integration.jobs";
export { companyInvoices, dealInvoices } from "./invoice.queries";
export { runRequestedSync } from "./sync-dispatch";
export { syncRequestSchema } from "./sync-requests";
export { SyncStateEntity } from "./sync-state.entity";
export { accessTokenFor, ConnectionNeedsReauthError } from "./token-refresh";
export { syncXero } from "./xero.sync";
