import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";

const subscriptionsOfConnection = globalIndex("gsi4");
const subscriptionsOfMember = globalIndex("gsi5");

/**
 * One connection's subscription to a topic of an organisation: its feed (every event of the organisation) or one of
 * its records. The topic's subscribers are one partition under the organisation, read strongly consistently on the
 * primary index, so an event reaches a subscription the moment it is acknowledged, and another organisation's record
 * id can never reach into this one. Connection ids are case-sensitive: every key holding one has casing "none".
 */
export const RealtimeSubscriptionEntity = tableEntity({
  model: { service: "crm", entity: "realtimeSubscription", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    /** `organisation` for the feed, otherwise the record's id (ids carry a type prefix, so they never collide). */
    topic: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    /** The member the connection's identity resolved to when subscribing; their removal ends the subscription. */
    memberId: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    /** The connection's own expiry, so a subscription never outlives it even if no cleanup ran. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    subscribersOfTopic: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "topic"] },
      sk: { field: primaryKeyFields.sk, composite: ["connectionId"], casing: "none" },
    },
    subscriptionsOfConnection: {
      index: subscriptionsOfConnection.index,
      pk: { field: subscriptionsOfConnection.pk, composite: ["connectionId"], casing: "none" },
      sk: { field: subscriptionsOfConnection.sk, composite: ["orgId", "topic"] },
    },
    subscriptionsOfMember: {
      index: subscriptionsOfMember.index,
      pk: { field: subscriptionsOfMember.pk, composite: ["orgId", "memberId"] },
      sk: { field: subscriptionsOfMember.sk, composite: ["connectionId", "topic"], casing: "none" },
    },
  },
});
