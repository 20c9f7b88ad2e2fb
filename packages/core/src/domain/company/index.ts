export * from "./company.schema";
export * from "./company.service";
