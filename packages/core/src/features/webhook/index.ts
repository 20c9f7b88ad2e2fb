/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { maxAttempts, nextAttemptAt, retryDelaysSeconds } from "./delivery-schedule";
export type { AddressRange, HostResolver } from "./ssrf.guard";
export {
  addressRangeOf,
  checkWebhookUrl,
  resolveSafeAddress,
  UnsafeDestinationError,
  useHostResolver,
} from "./ssrf.guard";
export { deliveryRetentionDays, deliveryStatuses, webhookDisabledReasons } from "./webhook.constants";
export { webhookContracts } from "./webhook.contract";
export { WebhookSubscriptionEntity } from "./webhook.entity";
export { maxWebhooksPerOrganisation } from "./webhook.schema";
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  secretOverlapHours,
  updateWebhook,
} from "./webhook.service";
export { newWebhookSecret, signatureHeaders } from "./webhook.signer";
export {
  dispatchWebhooks,
  listDeliveries,
  replayDelivery,
  retryDueDeliveries,
  sendEventToWebhook,
} from "./webhook-delivery.service";
