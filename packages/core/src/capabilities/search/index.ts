export * from "./search.schema";
export * from "./search.service";
