import { providerIds } from "../../declarations/integrations";
import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * One authorization in progress: what the signed `state` stands for, the PKCE verifier (sealed), and whether the
 * callback has used it. A global lookup by state id (case-sensitive), gone after its TTL.
 */
export const OAuthStateEntity = tableEntity({
  model: { service: "crm", entity: "oauthState", version: "1" },
  attributes: {
    stateId: { type: "string", required: true, readOnly: true },
    orgId: { type: "string", required: true, readOnly: true },
    memberId: { type: "string", required: true, readOnly: true },
    provider: { type: providerIds, required: true, readOnly: true },
    sealedCodeVerifier: { type: "string", required: true, readOnly: true },
    redirectUri: { type: "string", required: true, readOnly: true },
    /** Set once, by the one callback that may exchange the code. */
    consumedAt: { type: "string" },
    createdAt: { type: "string", required: true, readOnly: true },
    /** Epoch seconds; the table's TTL attribute (readers check it too). */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    state: {
      pk: { field: primaryKeyFields.pk, composite: ["stateId"], casing: "none" },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
