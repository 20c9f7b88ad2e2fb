import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";
import { domainEventTypes } from "../events/domain-event.schema";

/**
 * One domain event in its organisation's change feed, at the position the stream subscriber gave it when it
 * stored it (see change-feed.position.ts): a feed page is one strongly consistent query of the organisation's feed
 * partition, in position order. The event is kept as the JSON the bus carried, so the feed answers the very event
 * webhooks and the WebSocket were given.
 */
export const ChangeFeedEntryEntity = tableEntity({
  model: { service: "crm", entity: "changeFeedEntry", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    position: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    /** The event's type, for the feed's `types` filter. */
    eventType: { type: domainEventTypes, required: true, readOnly: true },
    /** The event exactly as it was published (`JSON.stringify` of the bus entry's detail). */
    event: { type: "string", required: true, readOnly: true },
    /** Epoch seconds; the table's TTL attribute. Reads never reach past the retention, so need not check it. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    feedOfOrganisation: {
      // Its own partition per organisation, apart from the organisation's directory items.
      scope: "feed",
      pk: { field: primaryKeyFields.pk, composite: ["orgId"] },
      // Positions hold ULIDs and are compared byte for byte: never lower-cased.
      sk: { field: primaryKeyFields.sk, composite: ["position"], casing: "none" },
    },
  },
});
