import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * An open WebSocket connection and the identity its token proved at `$connect`. API Gateway connection ids are
 * case-sensitive (`DOvZ1cdTIAMCLtA=`), so the key casing is "none": ElectroDB would otherwise fold two ids into one.
 */
export const RealtimeConnectionEntity = tableEntity({
  model: { service: "crm", entity: "realtimeConnection", version: "1" },
  attributes: {
    connectionId: { type: "string", required: true, readOnly: true },
    userId: { type: "string", required: true, readOnly: true },
    /** Lower-cased, as in the token; membership is looked up by it at every subscribe. */
    email: { type: "string", required: true, readOnly: true },
    name: { type: "string", readOnly: true },
    connectedAt: { type: "string", required: true, readOnly: true },
    /** Kept with the subscriptions, in their transactions, so one connection cannot hold unboundedly many. */
    subscriptionCount: { type: "number", required: true, default: 0 },
    /** Epoch seconds; API Gateway closes a connection after 2 hours at most. Readers also check it. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    connection: {
      pk: { field: primaryKeyFields.pk, composite: ["connectionId"], casing: "none" },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
