export {
  createFakeXeroAccounting,
  type FakeXeroAccounting,
  type FakeXeroAccountingControls,
  type FakeXeroAccountingOptions,
  type XeroApiRequestRecord,
  type XeroContactInput,
  type XeroContactJson,
  type XeroInvoiceInput,
  type XeroInvoiceJson,
  type XeroInvoiceStatus,
  type XeroLineAmountTypes,
  type XeroLineItemInput,
  type XeroPaymentJson,
  type XeroRateLimitProblem,
  type XeroRateLimits,
} from "./accounting";
export {
  demoOrganisations,
  type XeroContactSeed,
  type XeroInvoiceSeed,
  type XeroOrganisationSeed,
} from "./demo-organisations";
export { type FakeXero, type FakeXeroOptions, startFakeXero } from "./fake-xero";
export {
  createFakeXeroIdentity,
  driveXeroConsent,
  type FakeXeroClient,
  type FakeXeroIdentity,
  type FakeXeroIdentityControls,
  type FakeXeroIdentityOptions,
  type FakeXeroUser,
  type GraceRetryAnswer,
  type TokenFaultTiming,
  type XeroAccess,
  type XeroAuthority,
  type XeroConnection,
  type XeroConsentChoice,
  type XeroGrantSummary,
  type XeroTokenResponse,
  xeroIssuer,
} from "./identity";
export {
  createFakeXeroWebhooks,
  type FakeXeroWebhooks,
  type FakeXeroWebhooksControls,
  type FakeXeroWebhooksOptions,
  type IntentToReceiveCheck,
  type IntentToReceiveResult,
  type XeroResourceChange,
  type XeroWebhookDelivery,
  type XeroWebhookEndpointStatus,
  type XeroWebhookEvent,
  type XeroWebhookPayload,
  xeroSignature,
} from "./webhooks";
export { parseWhere, WhereParseError } from "./where-filter";
export { type XeroEndpoints, xeroEndpointsFor, xeroProductionEndpoints } from "./xero-endpoints";
export {
  parseXeroDate,
  type XeroRequest,
  type XeroResponse,
  type XeroRoute,
  type XeroTenant,
  xeroDate,
} from "./xero-http";
