import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * Requests counted in one fixed window for one bucket (a caller, an organisation). One conditional ADD per request
 * and bucket; the item expires with the table's TTL shortly after its window.
 */
export const RateLimitCounterEntity = tableEntity({
  model: { service: "crm", entity: "rateLimitCounter", version: "1" },
  attributes: {
    /** `<scope>:<id>:<window number>`; ids are case-sensitive (user ids), so the key keeps its case. */
    bucket: { type: "string", required: true, readOnly: true },
    count: { type: "number" },
    expiresAt: { type: "number", field: tableDefinition.ttl },
  },
  indexes: {
    counter: {
      pk: { field: primaryKeyFields.pk, composite: ["bucket"], casing: "none" },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
