import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * A sentinel that reserves a normalised value (a contact email, a company domain) within one organisation. It is
 * created and deleted in the same transaction as the record that owns it, so uniqueness holds under concurrency,
 * and it doubles as a strongly consistent "find by email/domain" lookup.
 */
export const UniqueValueEntity = tableEntity({
  model: { service: "crm", entity: "uniqueValue", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    /** `synced-email` and `synced-event` claim a provider's message or event for the one activity made of it. */
    kind: {
      type: ["contact-email", "company-domain", "synced-email", "synced-event"] as const,
      required: true,
      readOnly: true,
    },
    value: { type: "string", required: true, readOnly: true },
    ownerType: { type: ["contact", "company", "activity"] as const, required: true, readOnly: true },
    ownerId: { type: "string", required: true, readOnly: true },
  },
  indexes: {
    uniqueValue: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "kind", "value"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
