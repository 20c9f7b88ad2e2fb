export * from "./organisation.schema";
export * from "./organisation.service";
