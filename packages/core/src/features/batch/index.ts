export { type BatchOutcome, type BatchPlan, runBatch } from "./batch.runner";
export * from "./batch.schema";
export * from "./batch.service";
