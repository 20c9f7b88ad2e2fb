import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { primaryKeyFields } from "../../platform/table-keys";

/**
 * A provider push channel (a Google Calendar watch), found by the channel id its notifications carry: a global
 * lookup, case-sensitive. Holds a hash of the channel's token, so the token itself is stored nowhere.
 */
export const WatchChannelEntity = tableEntity({
  model: { service: "crm", entity: "integrationWatchChannel", version: "1" },
  attributes: {
    channelId: { type: "string", required: true, readOnly: true },
    orgId: { type: "string", required: true, readOnly: true },
    connectionId: { type: "string", required: true, readOnly: true },
    resourceId: { type: "string", required: true, readOnly: true },
    tokenHash: { type: "string", required: true, readOnly: true },
    channelExpiresAt: { type: "string", required: true, readOnly: true },
    /** Epoch seconds: a day after the channel's own expiry, when nothing can arrive on it any more. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    channel: {
      pk: { field: primaryKeyFields.pk, composite: ["channelId"], casing: "none" },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
