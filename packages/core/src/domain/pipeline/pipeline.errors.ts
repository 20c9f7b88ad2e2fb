import { DomainError } from "../../platform/errors";

/** The codes of the pipeline's own errors; composition/ joins them into `DomainErrorCode`. */
export type PipelineErrorCode = "pipeline-in-use";

/** The pipeline cannot be deleted: it still holds deals, or it is the organisation's default. */
export class PipelineInUseError extends DomainError<PipelineErrorCode> {
  readonly code = "pipeline-in-use";
}
