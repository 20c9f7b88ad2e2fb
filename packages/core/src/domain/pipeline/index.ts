/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { pipelineContracts } from "./pipeline.contract";
export { PipelineEntity } from "./pipeline.entity";
export { PipelineInUseError } from "./pipeline.errors";
export { getPipeline, getPipelineBoard, listPipelines } from "./pipeline.queries";
export { createPipeline, deletePipeline, updatePipeline } from "./pipeline.service";
