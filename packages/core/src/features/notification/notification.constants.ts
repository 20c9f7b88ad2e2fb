// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const notificationKinds = [
  "webhook.disabled",
  "automation.notify",
  "integration.needs_reauth",
  "integration.sync_failed",
] as const;

/** How long a notification is kept; DynamoDB's TTL then removes it. */
export const notificationRetentionDays = 90;
