export * from "./idempotency.service";
