import { providerIds } from "../../declarations/integrations";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";

const byProvider = globalIndex("gsi4");

export const connectionStatuses = ["active", "pending", "needs_reauth", "disabled"] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/**
 * A connection of the organisation, or of one of its members, to a provider account. The tokens are sealed by the
 * vault (bound to organisation and connection) and never leave the service; `tokenVersion` and the lease make a
 * refresh happen once across containers. The provider index is a deliberate global lookup: the scheduled jobs walk
 * a provider's connections and a push notification finds the connections of the account it names.
 */
export const ConnectionEntity = tableEntity({
  model: { service: "crm", entity: "integrationConnection", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    provider: { type: providerIds, required: true, readOnly: true },
    /** The member whose mailbox or calendar it is; `organisation` for the organisation's own connections. */
    ownerMemberId: { type: "string", required: true, readOnly: true },
    /** The provider's stable id of the account (Google's `sub`, QuickBooks' realm id, Xero's user id). */
    accountId: { type: "string", required: true, readOnly: true },
    /**
     * What the provider's notifications name the account by, the key of the provider index: the mailbox address
     * (Gmail, Calendar), the realm id (QuickBooks), the chosen tenant id (Xero; empty until one is chosen).
     */
    accountKey: { type: "string", required: true },
    /** How people recognise the account: the email address, or the company's name. */
    accountName: { type: "string", required: true },
    grantedScopes: { type: "list", items: { type: "string" }, required: true },
    /** The scopes the integration needs that the user did not grant: a partial grant is a state, not a crash. */
    missingScopes: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    status: { type: connectionStatuses, required: true },
    statusReason: { type: "string" },
    sealedAccessToken: { type: "string" },
    sealedRefreshToken: { type: "string" },
    accessTokenExpiresAt: { type: "number", required: true, default: 0 },
    /** Raised by every persisted refresh; a refresh persists only on the version it started from. */
    tokenVersion: { type: "number", required: true, default: 1 },
    leaseOwner: { type: "string" },
    /** Epoch milliseconds; an expired lease may be taken over. */
    leaseExpiresAt: { type: "number" },
    lastRefreshError: { type: "string" },
    /** The state of this connection's circuit breaker as last seen by a container (it lives in memory). */
    circuitState: { type: ["closed", "open", "half_open"] as const, required: true, default: "closed" },
    /** Books only: customers matching no company become companies (off unless an admin turns it on). */
    importUnmatchedCustomers: { type: "boolean" },
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
    version: { type: "number", required: true, default: 1 },
  },
  indexes: {
    connection: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      sk: { field: primaryKeyFields.sk, composite: ["connectionId"] },
    },
    connectionsOfProvider: {
      index: byProvider.index,
      pk: { field: byProvider.pk, composite: ["provider"] },
      sk: { field: byProvider.sk, composite: ["accountKey", "orgId", "connectionId"], casing: "none" },
    },
  },
});
