import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { webhookDisabledReasons } from "./webhook.constants";

/**
 * An organisation's webhook subscription: where to send which events, and the secrets that sign them. In the
 * organisation's own partition, so the dispatcher finds an event's subscriptions with one query.
 */
export const WebhookSubscriptionEntity = tableEntity({
  model: { service: "crm", entity: "webhookSubscription", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    webhookId: { type: "string", required: true, readOnly: true },
    url: { type: "string", required: true },
    /** Domain event types, or `*` alone for all of them. */
    events: { type: "list", items: { type: "string" }, required: true },
    description: { type: "string" },
    enabled: { type: "boolean", required: true },
    disabledReason: { type: webhookDisabledReasons },
    disabledAt: { type: "string" },
    /**
     * The signing secret (`whsec_<base64>`), sealed by the token vault to `{ orgId, webhookId, secret: "current" }`;
     * the API shows the plaintext once, when it is created or rotated. Items written before secrets were sealed have
     * a plaintext `secret` instead, which is no longer read: they exist only in local data (see openWebhookSecret).
     */
    sealedSecret: { type: "string", required: true },
    /** The secret before the last rotation, sealed to `secret: "previous"`; it signs until `previousSecretExpiresAt`. */
    sealedPreviousSecret: { type: "string" },
    previousSecretExpiresAt: { type: "string" },
    /** When a delivery last succeeded, recorded at most hourly; the auto-disable rule reads it. */
    lastSuccessAt: { type: "string" },
    version: { type: "number", required: true, default: 1 },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    webhooksOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["webhookId"] },
    },
  },
});
