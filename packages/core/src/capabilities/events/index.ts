export { domainEventSource } from "../../declarations/events";
export * from "./domain-event.schema";
export * from "./domain-event-failures";
export * from "./domain-events";
export * from "./publisher";
export * from "./stream-records";
