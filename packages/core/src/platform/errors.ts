/**
 * Domain errors. Each carries a stable machine code; the HTTP layer maps every code to a status in one exhaustive
 * table, so adding a code without deciding its status is a compile error.
 */

export type FieldIssue = { path: string; message: string };

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input broke a rule the schema cannot express, or a referenced record is unusable. */
export class ValidationError extends DomainError {
  readonly code = "validation-failed";
  constructor(
    readonly issues: FieldIssue[],
    message = "The request is invalid.",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The record does not exist in the caller's organisation (also used for other tenants' ids, so ids leak nothing). */
export class NotFoundError extends DomainError {
  readonly code = "not-found";
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`No ${resource} with id ${id} exists in this organisation.`);
  }
}

/** A unique value (a contact email, a company domain, a member email) is already taken. */
export class DuplicateError extends DomainError {
  readonly code = "duplicate";
  constructor(
    readonly field: string,
    readonly value: string,
    readonly existing: { type: string; id: string },
  ) {
    super(`The ${field} ${value} already belongs to ${existing.type} ${existing.id}.`);
  }
}

/** The change would leave the organisation without an admin. */
export class LastAdminError extends DomainError {
  readonly code = "last-admin";
  constructor() {
    super("An organisation must keep at least one admin; promote another member first.");
  }
}

/** The caller is a member of the organisation but their role or ownership does not allow this action. */
export class ForbiddenError extends DomainError {
  readonly code = "forbidden";
}

/** A pagination cursor that this API did not issue for this exact query. */
export class InvalidCursorError extends DomainError {
  readonly code = "invalid-cursor";
  constructor() {
    super("The cursor is invalid, expired or belongs to another query; start again without a cursor.");
  }
}

/** Another write changed the record between our read and our write; the caller may retry. */
export class ConcurrentModificationError extends DomainError {
  readonly code = "concurrent-modification";
  constructor(resource: string, id: string) {
    super(`The ${resource} ${id} was changed by another request at the same time; retry the request.`);
  }
}

/** The caller's If-Match names a version that is no longer current: someone changed the record since they read it. */
export class PreconditionFailedError extends DomainError {
  readonly code = "precondition-failed";
  constructor(
    resource: string,
    id: string,
    readonly currentETag: string,
  ) {
    super(`The ${resource} ${id} has changed since you read it (now ${currentETag}); read it again and retry.`);
  }
}

/** The pipeline cannot be deleted: it still holds deals, or it is the organisation's default. */
export class PipelineInUseError extends DomainError {
  readonly code = "pipeline-in-use";
}

/** A deleted record cannot be restored as it was: what it needs (its stage, its email) is gone or taken. */
export class RestoreConflictError extends DomainError {
  readonly code = "restore-conflict";
}

export type DomainErrorCode =
  | "validation-failed"
  | "not-found"
  | "duplicate"
  | "last-admin"
  | "forbidden"
  | "invalid-cursor"
  | "concurrent-modification"
  | "precondition-failed"
  | "pipeline-in-use"
  | "restore-conflict";
