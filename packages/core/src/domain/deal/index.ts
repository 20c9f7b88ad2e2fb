export * from "./deal.schema";
export * from "./deal.service";
