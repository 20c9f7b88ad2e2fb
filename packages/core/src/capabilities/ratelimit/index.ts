export * from "./rate-limit.service";
