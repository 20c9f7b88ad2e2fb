export * from "./realtime.schema";
export * from "./realtime.service";
