/**
 * Domain errors. Each carries a stable machine code and says what its problem adds (fields, headers); the HTTP layer
 * maps every code to a status in one exhaustive table, so adding a code without deciding its status is a compile
 * error. The errors every module may raise live here; an error only one domain raises lives beside it.
 */

export type FieldIssue = { path: string; message: string };

/** The codes of the errors below; composition/ joins them with every module's own into `DomainErrorCode`. */
export type PlatformErrorCode =
  | "validation-failed"
  | "not-found"
  | "duplicate"
  | "forbidden"
  | "invalid-cursor"
  | "concurrent-modification"
  | "precondition-failed";

/** An error the caller can act on: its code names the problem, its message explains this occurrence. */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly code: Code;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The members this error adds to its problem details; none unless a subclass has something to add. */
  problemFields(): Record<string, unknown> {
    return {};
  }

  /** The headers this error adds to its response; none unless a subclass has something to add. */
  problemHeaders(): Record<string, string> {
    return {};
  }
}

/** The input broke a rule the schema cannot express, or a referenced record is unusable. */
export class ValidationError extends DomainError<PlatformErrorCode> {
  readonly code = "validation-failed";
  constructor(
    readonly issues: FieldIssue[],
    message = "The request is invalid.",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  override problemFields() {
    return { errors: this.issues };
  }
}

/** The record does not exist in the caller's organisation (also used for other tenants' ids, so ids leak nothing). */
export class NotFoundError extends DomainError<PlatformErrorCode> {
  readonly code = "not-found";
  constructor(
    readonly resource: string,
    readonly id: string,
    options?: ErrorOptions,
  ) {
    super(`No ${resource} with id ${id} exists in this organisation.`, options);
  }
}

/** A unique value (a contact email, a company domain, a member email) is already taken. */
export class DuplicateError extends DomainError<PlatformErrorCode> {
  readonly code = "duplicate";
  constructor(
    readonly field: string,
    readonly value: string,
    readonly existing: { type: string; id: string },
    options?: ErrorOptions,
  ) {
    super(`The ${field} ${value} already belongs to ${existing.type} ${existing.id}.`, options);
  }

  override problemFields() {
    return { existing: this.existing };
  }
}

/** The caller is a member of the organisation but their role or ownership does not allow this action. */
export class ForbiddenError extends DomainError<PlatformErrorCode> {
  readonly code = "forbidden";
}

/** A pagination cursor that this API did not issue for this exact query. */
export class InvalidCursorError extends DomainError<PlatformErrorCode> {
  readonly code = "invalid-cursor";
  /** The request field that held the cursor (`query.after`), when the route names it in the problem. */
  readonly field: string | undefined;
  constructor(options?: ErrorOptions & { field?: string }) {
    super("The cursor is invalid, expired or belongs to another query; start again without a cursor.", options);
    this.field = options?.field;
  }

  override problemFields() {
    return this.field
      ? { errors: [{ path: this.field, message: "Not a cursor this API issued for this query." }] }
      : {};
  }
}

/** Another write changed the record between our read and our write; the caller may retry. */
export class ConcurrentModificationError extends DomainError<PlatformErrorCode> {
  readonly code = "concurrent-modification";
  constructor(resource: string, id: string, options?: ErrorOptions) {
    super(`The ${resource} ${id} was changed by another request at the same time; retry the request.`, options);
  }
}

/** The caller's If-Match names a version that is no longer current: someone changed the record since they read it. */
export class PreconditionFailedError extends DomainError<PlatformErrorCode> {
  readonly code = "precondition-failed";
  constructor(
    resource: string,
    id: string,
    readonly currentETag: string,
    options?: ErrorOptions,
  ) {
    super(
      `The ${resource} ${id} has changed since you read it (now ${currentETag}); read it again and retry.`,
      options,
    );
  }

  /** The current ETag, so the caller can read again knowing what to expect. */
  override problemHeaders() {
    return { etag: this.currentETag };
  }
}
