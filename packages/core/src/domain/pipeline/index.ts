export { defaultPipeline } from "./default-pipeline";
export * from "./pipeline.errors";
export * from "./pipeline.lookup";
export * from "./pipeline.schema";
export * from "./pipeline.service";
export { registerStageRelocation } from "./stage-removal";
