export * from "./trash.schema";
export * from "./trash.service";
