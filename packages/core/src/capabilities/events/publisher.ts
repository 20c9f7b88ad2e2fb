import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { domainEventSource } from "../../declarations/events";
import { busConfig } from "../../platform/config/bus.config";
import type { DomainEvent } from "./domain-event.schema";

let client: EventBridgeClient | undefined;

function eventBridge(): EventBridgeClient {
  const { eventBridgeEndpoint } = busConfig();
  client ??= new EventBridgeClient(eventBridgeEndpoint ? { endpoint: eventBridgeEndpoint } : {});
  return client;
}

/** PutEvents takes at most 10 entries per call. */
const maxEntriesPerCall = 10;

/**
 * Publishes domain events to the bus, in order, and returns how many were accepted before the first failure, so
 * the caller (the stream subscriber) can report exactly which records to retry. Redelivery is harmless: consumers
 * are idempotent on the event id.
 */
export async function publishDomainEvents(events: DomainEvent[]): Promise<number> {
  const { name: busName } = busConfig();
  let published = 0;
  for (let start = 0; start < events.length; start += maxEntriesPerCall) {
    const batch = events.slice(start, start + maxEntriesPerCall);
    const result = await eventBridge().send(
      new PutEventsCommand({
        Entries: batch.map((event) => ({
          EventBusName: busName,
          Source: domainEventSource,
          DetailType: event.type,
          Detail: JSON.stringify(event),
          Time: new Date(event.occurredAt),
          Resources: [],
        })),
      }),
    );
    const firstFailure = (result.Entries ?? []).findIndex((entry) => entry.ErrorCode);
    if (firstFailure >= 0) return published + firstFailure;
    published += batch.length;
  }
  return published;
}

/** An event of this API's own machinery (not a domain event), e.g. a sync requested by a provider's notification. */
export type BusEntry = { detailType: string; detail: Record<string, unknown> };

/** What EventBridge allows one PutEvents call: its entries' sizes together, as `busEntryBytes` counts them. */
export const maxBusCallBytes = 256 * 1024;

/** An entry's size as EventBridge counts it against the limit: source, detail-type and detail, in UTF-8 bytes. */
export function busEntryBytes(source: string, entry: BusEntry): number {
  return (
    Buffer.byteLength(source) + Buffer.byteLength(entry.detailType) + Buffer.byteLength(JSON.stringify(entry.detail))
  );
}

/**
 * Puts events under `source` on the bus, as few calls as PutEvents' limits allow (10 entries, 256 KB); throws when
 * any entry was refused, so the caller's sender retries.
 */
export async function publishBusEvents(source: string, entries: BusEntry[]): Promise<void> {
  const { name: busName } = busConfig();
  for (const batch of callsOf(source, entries)) {
    const result = await eventBridge().send(
      new PutEventsCommand({
        Entries: batch.map((entry) => ({
          EventBusName: busName,
          Source: source,
          DetailType: entry.detailType,
          Detail: JSON.stringify(entry.detail),
        })),
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) throw new Error("The bus refused some events.");
  }
}

function callsOf(source: string, entries: BusEntry[]): BusEntry[][] {
  const calls: BusEntry[][] = [];
  let call: BusEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = busEntryBytes(source, entry);
    if (call.length === maxEntriesPerCall || (call.length > 0 && bytes + size > maxBusCallBytes)) {
      calls.push(call);
      call = [];
      bytes = 0;
    }
    call.push(entry);
    bytes += size;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}
