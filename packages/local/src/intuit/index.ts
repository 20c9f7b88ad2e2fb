export type {
  ApiOperation,
  ApiRequestRecord,
  FakeBooksControls,
  QboFault,
  ThrottleOptions,
} from "./accounting";
export type {
  BooksControls,
  BooksEntity,
  ChangeOperation,
  CustomerInput,
  EntityChange,
  InvoiceInput,
  InvoiceLineInput,
  QboCustomer,
  QboDeletedStub,
  QboInvoice,
  QboItem,
  QboPayment,
  QboRef,
  RealmSummary,
} from "./books";
export {
  type BooksCustomerSeed,
  type BooksInvoiceSeed,
  type BooksItemSeed,
  type BooksPaymentSeed,
  demoBooks,
  demoRealmIds,
  type RealmSeed,
} from "./demo-books";
export { type FakeIntuit, type FakeIntuitOptions, startFakeIntuit } from "./fake-intuit";
export {
  accountingScope,
  type FakeIntuitAuthority,
  type IntuitGrant,
  paymentScope,
} from "./fake-intuit-types";
export { type IntuitEndpoints, intuitEndpointsFor, intuitProductionEndpoints } from "./intuit-endpoints";
export {
  type AuthorizationRecord,
  type FakeIntuitClient,
  type FakeIntuitGrantSummary,
  type FakeIntuitOAuthControls,
  type GrantRevocation,
  type IntuitConsentChoice,
  type IntuitTokenResponse,
  type IntuitUser,
  intuitIssuer,
  type RefreshTokenRotation,
  type TokenRequestRecord,
} from "./oauth";
export {
  type FakeWebhooksControls,
  type IntuitCloudEvent,
  intuitSignature,
  type LegacyEventNotifications,
  type WebhookDelivery,
  type WebhookEventInput,
  type WebhookFormat,
} from "./webhooks";
