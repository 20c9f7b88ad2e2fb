import { DomainError } from "../../platform/errors";

/** The codes of the integrations' own errors; composition/ joins them into `DomainErrorCode`. */
export type IntegrationErrorCode =
  | "invalid-oauth-state"
  | "oauth-state-used"
  | "authorization-denied"
  | "provider-unavailable";

/** The callback's `state` is not one this API issued for this provider, or it has expired. */
export class InvalidOAuthStateError extends DomainError<IntegrationErrorCode> {
  readonly code = "invalid-oauth-state";
}

/** The callback's `state` was already used: the code is exchanged once, so a replayed callback is refused. */
export class OAuthStateUsedError extends DomainError<IntegrationErrorCode> {
  readonly code = "oauth-state-used";
}

/** The user refused the authorization at the provider, or the provider refused the code. */
export class AuthorizationDeniedError extends DomainError<IntegrationErrorCode> {
  readonly code = "authorization-denied";
  constructor(
    readonly providerError: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  override problemFields() {
    return { providerError: this.providerError };
  }
}

/**
 * The provider did not answer usefully (down, timing out, a 5xx, its breaker open): our dependency failed, so it is
 * a 502, never a client error.
 */
export class ProviderUnavailableError extends DomainError<IntegrationErrorCode> {
  readonly code = "provider-unavailable";
  constructor(
    readonly provider: string,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  override problemHeaders(): Record<string, string> {
    return this.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.retryAfterSeconds) };
  }
}
