import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * That an event is in the change feed, keyed by the event's id: written in the same transaction as its feed entry,
 * on the condition that it does not exist yet, so a stream record delivered again is stored once.
 */
export const ChangeFeedReceiptEntity = tableEntity({
  model: { service: "crm", entity: "changeFeedReceipt", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    /** Where the event is in the feed. */
    position: { type: "string", required: true, readOnly: true },
    /** Epoch seconds; the table's TTL attribute, as its entry's: the stream redelivers for 24 hours at most. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    receiptOfEvent: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "eventId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
