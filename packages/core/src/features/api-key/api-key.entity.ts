import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * An organisation's API key: its name, scopes and the SHA-256 of its secret (never the secret). In the
 * organisation's partition, keyed by its id: a request names both (the path's organisation and the key's id in
 * the token), so authenticating a key is one GetItem, and a key of another organisation is simply not found.
 */
export const ApiKeyEntity = tableEntity({
  model: { service: "crm", entity: "apiKey", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    keyId: { type: "string", required: true, readOnly: true },
    name: { type: "string", required: true },
    scopes: { type: "list", items: { type: "string" }, required: true, readOnly: true },
    /** Hex SHA-256 of the secret part of the token. */
    secretHash: { type: "string", required: true, readOnly: true },
    /** After this time the key is refused; absent: it does not expire. Not `expiresAt`, the table's TTL. */
    validUntil: { type: "string", readOnly: true },
    /** When a request last used it, written at most once a minute per container. */
    lastUsedAt: { type: "string" },
    revokedAt: { type: "string" },
    revokedBy: { type: "string" },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    apiKeysOfOrganisation: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["keyId"] },
    },
  },
});
