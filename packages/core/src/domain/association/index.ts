export * from "./association.schema";
export * from "./association.service";
