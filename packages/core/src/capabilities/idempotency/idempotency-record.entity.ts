import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * The stored outcome of a POST sent with an Idempotency-Key, kept 24 hours. Keys are case-sensitive, so the key
 * casing is "none" (ElectroDB would otherwise fold `Ab` and `ab` into one record).
 */
export const IdempotencyRecordEntity = tableEntity({
  model: { service: "crm", entity: "idempotencyRecord", version: "1" },
  attributes: {
    /** Who sent it, to which route, with which key: a hash of tenant, caller, route and key. */
    scope: { type: "string", required: true, readOnly: true },
    /** Hash of the request body; a retry with another body is refused. */
    fingerprint: { type: "string", required: true },
    state: { type: ["in-progress", "completed"] as const, required: true },
    /** Epoch ms until which an in-progress request is assumed to be still running. */
    lockedUntil: { type: "number", required: true },
    statusCode: { type: "number" },
    headers: { type: "any" },
    body: { type: "string" },
    /** Epoch seconds; DynamoDB's TTL removes the record eventually, readers also check it. */
    expiresAt: { type: "number", required: true, field: tableDefinition.ttl },
  },
  indexes: {
    idempotencyRecord: {
      pk: { field: primaryKeyFields.pk, composite: ["scope"], casing: "none" },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
