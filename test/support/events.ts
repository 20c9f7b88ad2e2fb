import { randomUUID } from "node:crypto";
import { type DomainEvent, domainEventSource } from "@crm/core/events";
import type { EventBridgeEvent } from "aws-lambda";

/** A domain event's detail, as the stream subscriber publishes it; override what a test cares about. */
export function aDomainEvent(overrides: Partial<DomainEvent> & Pick<DomainEvent, "orgId">): DomainEvent {
  return {
    schemaVersion: 1,
    id: `aud_${randomUUID().replaceAll("-", "").slice(0, 26)}`,
    type: "contact.updated",
    actor: { memberId: "mem_test" },
    record: { type: "contact", id: "con_01jd8x4k2q7v3m9t5r1w6y8z0a" },
    changes: [],
    occurredAt: new Date().toISOString(),
    requestId: randomUUID(),
    ...overrides,
  };
}

/** The envelope EventBridge delivers to a subscriber for a domain event. */
export function anEventBridgeEvent(detail: DomainEvent): EventBridgeEvent<string, DomainEvent> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": detail.type,
    source: domainEventSource,
    account: "000000000000",
    time: detail.occurredAt.replace(/\.\d{3}Z$/, "Z"),
    region: "us-east-1",
    resources: [],
    detail,
  };
}
