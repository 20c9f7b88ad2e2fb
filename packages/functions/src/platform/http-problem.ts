import type { DomainErrorCode } from "@crm/core/composition";

/** Errors that belong to HTTP itself (authentication, framing, routing), not to the domain. */
export type HttpErrorCode =
  | "unauthorized"
  | "malformed-json"
  | "unsupported-media-type"
  | "payload-too-large"
  | "route-not-found"
  | "method-not-allowed"
  | "idempotency-key-reused"
  | "idempotency-key-in-flight"
  | "rate-limited"
  | "internal-error"
  | "service-unavailable";

export type ProblemCode = DomainErrorCode | HttpErrorCode;

/** Thrown by the middleware for HTTP-level failures; the problem middleware renders it. */
export class HttpProblemError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpProblemError";
  }
}

/** Every problem code with its status and title; the compiler insists every code is here. */
export const problemCatalogue: Record<ProblemCode, { status: number; title: string }> = {
  "validation-failed": { status: 400, title: "Your request is not valid." },
  "invalid-cursor": { status: 400, title: "The pagination cursor is not valid for this query." },
  "malformed-json": { status: 400, title: "The body is not valid JSON." },
  unauthorized: { status: 401, title: "Authentication is required." },
  forbidden: { status: 403, title: "You are not allowed to do this." },
  "not-found": { status: 404, title: "The resource does not exist." },
  "route-not-found": { status: 404, title: "No such endpoint." },
  "method-not-allowed": { status: 405, title: "This endpoint does not support that method." },
  duplicate: { status: 409, title: "A record with this value already exists." },
  "last-admin": { status: 409, title: "An organisation must keep at least one admin." },
  "concurrent-modification": { status: 409, title: "The record was changed by another request." },
  "pipeline-in-use": { status: 409, title: "The pipeline is in use." },
  "restore-conflict": { status: 409, title: "The record cannot be restored as it was." },
  "cursor-expired": { status: 410, title: "The cursor is older than the change feed keeps events." },
  merged: { status: 404, title: "The record was merged into another." },
  "precondition-failed": { status: 412, title: "The record has changed since you read it." },
  "idempotency-key-in-flight": { status: 409, title: "A request with this Idempotency-Key is still running." },
  "payload-too-large": { status: 413, title: "The body is too large." },
  "file-too-large": { status: 413, title: "The file is larger than the organisation accepts." },
  "storage-quota-exceeded": { status: 409, title: "The organisation's storage is full." },
  "file-not-available": { status: 409, title: "The file cannot be downloaded." },
  "unsupported-media-type": { status: 415, title: "The body must be JSON." },
  "idempotency-key-reused": { status: 422, title: "This Idempotency-Key was used with another request." },
  "rate-limited": { status: 429, title: "Too many requests." },
  "invalid-oauth-state": { status: 400, title: "The authorization state is invalid or expired." },
  "authorization-denied": { status: 400, title: "The provider did not grant the authorization." },
  "oauth-state-used": { status: 409, title: "This authorization was already completed." },
  "provider-unavailable": { status: 502, title: "The provider did not answer." },
  "internal-error": { status: 500, title: "Something went wrong on our side." },
  "service-unavailable": { status: 503, title: "The service is unavailable for a moment." },
};

/** Whether a code thrown at run time is one the catalogue knows. */
export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(problemCatalogue, code);
}
