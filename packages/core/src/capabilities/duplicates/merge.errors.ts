import { DomainError, NotFoundError } from "../../platform/errors";
import type { MergeableRecordType } from "./duplicates.constants";

/** The codes of the merges' own errors; composition/ joins them into `DomainErrorCode`. */
export type MergeErrorCode = "merged";

/**
 * The record was merged into another: a 404 like any id that is no longer there, naming where it went so a client
 * can follow (`mergedInto`), as a redirect would but without making every client follow redirects on writes.
 */
export class RecordMergedError extends DomainError<MergeErrorCode> {
  readonly code = "merged";
  constructor(
    readonly recordType: MergeableRecordType,
    readonly recordId: string,
    readonly survivorId: string,
    options?: ErrorOptions,
  ) {
    super(`The ${recordType} ${recordId} was merged into ${survivorId}.`, options);
  }

  override problemFields() {
    return { mergedInto: { type: this.recordType, id: this.survivorId } };
  }
}

/** An id in a merge's body that names no record of the organisation: a 404 that says which field named it. */
export class MergeTargetNotFoundError extends NotFoundError {
  constructor(
    resource: string,
    id: string,
    readonly path: string,
  ) {
    super(resource, id);
  }

  override problemFields() {
    return { errors: [{ path: this.path, message: this.message }] };
  }
}
