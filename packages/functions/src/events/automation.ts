import { handleDomainEvent } from "@crm/core/automation-runner";
import { domainEventSchema } from "@crm/core/events";
import { busSubscriber } from "../platform/bus-subscriber";

/**
 * Bus subscriber: runs the organisation's automation rules for a domain event. A redelivered event is harmless:
 * each rule's run for an event is recorded first, under the event id, and runs once.
 */
export const handler = busSubscriber(domainEventSchema, handleDomainEvent);
