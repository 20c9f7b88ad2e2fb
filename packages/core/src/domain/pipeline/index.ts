/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { PipelineInUseError } from "./pipeline.errors";
export {
  createPipeline,
  deletePipeline,
  getPipeline,
  getPipelineBoard,
  listPipelines,
  updatePipeline,
} from "./pipeline.service";
