import { DomainError } from "../../platform/errors";

/** The codes of the trash's own errors; composition/ joins them into `DomainErrorCode`. */
export type TrashErrorCode = "restore-conflict";

/**
 * A deleted record cannot be restored as it was: what it needs (its stage, its email) is gone or taken. Here rather
 * than in features/trash because each domain's own restore raises it.
 */
export class RestoreConflictError extends DomainError<TrashErrorCode> {
  readonly code = "restore-conflict";
}
