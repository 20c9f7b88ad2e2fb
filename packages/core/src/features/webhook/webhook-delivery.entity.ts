import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { deliveryStatuses } from "./webhook.constants";

const byDueTime = globalIndex("gsi2");

/**
 * One event's delivery to one subscription, with the outcome of its latest attempt. Its id is derived from the
 * subscription and the event, so a redelivered event finds its delivery already there, and starts with the event's
 * time, so a subscription's log lists in time order straight from its partition.
 */
export const WebhookDeliveryEntity = tableEntity({
  model: { service: "crm", entity: "webhookDelivery", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    webhookId: { type: "string", required: true, readOnly: true },
    deliveryId: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    eventType: { type: "string", required: true, readOnly: true },
    /** The exact body every attempt sends, so retries and replays are byte-identical. */
    body: { type: "string", required: true, readOnly: true },
    status: { type: deliveryStatuses, required: true },
    attempts: { type: "number", required: true },
    /**
     * While pending: when the next attempt is due, or, while an attempt runs, when its lease ends (so an attempt cut
     * short by a crash is retried). Kept afterwards; only pending deliveries are in the due index.
     */
    nextAttemptAt: { type: "string", required: true },
    lastAttemptAt: { type: "string" },
    responseStatus: { type: "number" },
    latencyMs: { type: "number" },
    responseSnippet: { type: "string" },
    error: { type: "string" },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
    /** Epoch seconds; the table's TTL attribute. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    deliveriesOfWebhook: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "webhookId"] },
      sk: { field: primaryKeyFields.sk, composite: ["deliveryId"] },
    },
    /**
     * Every pending delivery of every organisation by due time, for the retry job's one query. Sparse: a delivery
     * leaves it when it stops being pending (the status is in the key, so no write can leave a stale entry).
     */
    dueDeliveries: {
      index: byDueTime.index,
      condition: (attributes) => attributes.status === "pending",
      pk: { field: byDueTime.pk, composite: ["status"] },
      sk: { field: byDueTime.sk, composite: ["nextAttemptAt", "deliveryId"] },
    },
  },
});
