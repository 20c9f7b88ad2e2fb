export * from "./association.schema";
export * from "./association.service";
export * from "./link-cascades";
