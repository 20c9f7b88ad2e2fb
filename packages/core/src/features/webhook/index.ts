export * from "./delivery.client";
export * from "./delivery-schedule";
export * from "./ssrf.guard";
export { webhookDisabledReasons } from "./webhook.entity";
export * from "./webhook.schema";
export {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  secretOverlapHours,
  updateWebhook,
} from "./webhook.service";
export * from "./webhook.signer";
export { deliveryRetentionDays, deliveryStatuses } from "./webhook-delivery.entity";
export * from "./webhook-delivery.service";
