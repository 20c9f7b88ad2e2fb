// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const deliveryStatuses = ["pending", "succeeded", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** How long the delivery log keeps a delivery; DynamoDB's TTL then removes it. */
export const deliveryRetentionDays = 30;

/** Why the API turned a subscription off: every attempt failing for about a day, or the receiver answering 410. */
export const webhookDisabledReasons = ["failing", "gone"] as const;
