export * from "./route-latency";
