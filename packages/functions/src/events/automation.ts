import { handleDomainEvent } from "@crm/core/automation";
import { domainEventSchema } from "@crm/core/events";
import type { EventBridgeEvent } from "aws-lambda";

/**
 * Bus subscriber: runs the organisation's automation rules for a domain event. A redelivered event is harmless:
 * each rule's run for an event is recorded first, under the event id, and runs once.
 */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  await handleDomainEvent(domainEventSchema.parse(event.detail));
}
