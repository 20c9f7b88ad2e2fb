import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

export const integrationLogDirections = ["outgoing", "incoming"] as const;

/** How long log entries are kept; DynamoDB's TTL then removes them. */
export const integrationLogRetentionDays = 30;

/**
 * One call to a provider or one notification from it, for the connection's log: what, how it went and how long it
 * took. Never tokens, never message bodies. In the connection's own partition, newest last (ULID ids).
 */
export const IntegrationLogEntity = tableEntity({
  model: { service: "crm", entity: "integrationLog", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    entryId: { type: "string", required: true, readOnly: true },
    direction: { type: integrationLogDirections, required: true, readOnly: true },
    /** e.g. `gmail.history.list`, `oauth.refresh`, `gmail.push`. */
    operation: { type: "string", required: true, readOnly: true },
    /** The HTTP status, or 0 when no answer came (timeout, network). */
    status: { type: "number", required: true, readOnly: true },
    latencyMs: { type: "number", required: true, readOnly: true },
    attempt: { type: "number", required: true, readOnly: true },
    providerRequestId: { type: "string", readOnly: true },
    /** e.g. `rate_limited`, `timeout`, `invalid_grant`, `circuit_open`; absent when the call succeeded. */
    errorClass: { type: "string", readOnly: true },
    at: { type: "string", required: true, readOnly: true },
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    entry: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "connectionId"] },
      sk: { field: primaryKeyFields.sk, composite: ["entryId"] },
    },
  },
});
