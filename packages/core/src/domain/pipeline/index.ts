export { defaultPipeline } from "./default-pipeline";
export * from "./pipeline.lookup";
export * from "./pipeline.schema";
export * from "./pipeline.service";
