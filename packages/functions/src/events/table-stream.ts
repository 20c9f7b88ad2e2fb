import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { storeInChangeFeed } from "@crm/core/change-feed";
import {
  type DomainEvent,
  keepUndecodableStreamRecords,
  meaningOfNewImage,
  publishDomainEvents,
} from "@crm/core/events";
import { streamSubscriber } from "../platform/stream-subscriber";

/**
 * The table's stream subscriber: every committed change wrote an audit entry in its own transaction, so each new
 * audit entry becomes one domain event, stored in the organisation's change feed and then published on the bus, so
 * the feed holds every event a webhook or the WebSocket was given, under the same id. An event is published if and
 * only if its change committed, even if this function dies midway: the stream redelivers from the first record not
 * reported done, the feed stores a redelivered event once, and consumers drop what they have already seen by event
 * id. A record that can never become an event goes to the failure queue with its reason at once.
 */
export const handler = streamSubscriber({
  decode: (record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== "INSERT" || !image) return { kind: "none" };
    const meaning = meaningOfNewImage(image as Record<string, AttributeValue>);
    return meaning.kind === "event" ? { kind: "item", item: meaning.event } : meaning;
  },
  handle: async (events: DomainEvent[]) => {
    await storeInChangeFeed(events);
    return publishDomainEvents(events);
  },
  keepUndecodable: keepUndecodableStreamRecords,
});
