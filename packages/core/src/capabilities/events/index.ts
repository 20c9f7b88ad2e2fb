/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { domainEventSource } from "../../declarations/events";
export type { DomainEvent } from "./domain-event.schema";
export { domainEventJsonSchema, domainEventSchema } from "./domain-event.schema";
export { keepUndecodableStreamRecords } from "./domain-event-failures";
export { publishDomainEvents } from "./publisher";
export { meaningOfNewImage } from "./stream-records";
