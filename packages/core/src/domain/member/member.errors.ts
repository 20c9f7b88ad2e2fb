import { DomainError } from "../../platform/errors";

/** The codes of the member's own errors; composition/ joins them into `DomainErrorCode`. */
export type MemberErrorCode = "last-admin";

/** The change would leave the organisation without an admin. */
export class LastAdminError extends DomainError<MemberErrorCode> {
  readonly code = "last-admin";
  constructor(options?: ErrorOptions) {
    super("An organisation must keep at least one admin; promote another member first.", options);
  }
}
