import { type AuthConfig, authConfig, type Identity, normaliseEmail } from "@crm/core/platform";
import { JwtVerifier } from "aws-jwt-verify";
import {
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtParseError,
} from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { HttpProblemError } from "./http-problem";

/** Longest token we try to parse; anything longer is rejected before any crypto. */
const maxTokenLength = 8192;

/**
 * How far ahead of our clock a token's `iat` and `nbf` (and how far behind it its `exp`) may be: the issuer's clock
 * and Lambda's are never exactly in step, and a token minted a second "in the future" is not forged.
 */
const clockSkewSeconds = 30;

/** What a client is told to wait when the identity provider's keys could not be fetched. */
const keysUnavailableRetryAfterSeconds = 5;

/** A claim this API requires and aws-jwt-verify does not check; one of its claim errors, like every refusal. */
class TokenClaimError extends JwtInvalidClaimError {}

/**
 * A fetcher that answers every JWKS request with the local identity provider's keys. aws-jwt-verify fetches only
 * over https; feeding it the keys this way keeps the verification itself identical to Lambda's, including the
 * refetch it does for an unknown `kid` (which then fails with KidNotFoundInJwksError, as in AWS).
 */
function localKeysFetcher(jwks: NonNullable<AuthConfig["jwks"]>): Fetcher {
  const body = new TextEncoder().encode(JSON.stringify(jwks));
  return { fetch: async () => body.buffer.slice(0) as ArrayBuffer };
}

function createVerifier(auth: AuthConfig) {
  return JwtVerifier.create(
    {
      issuer: auth.issuer,
      audience: auth.audience,
      jwksUri: auth.jwksUri,
      // Applies to `exp` and `nbf` only; `iat` is checked below.
      graceSeconds: clockSkewSeconds,
      customJwtCheck: ({ payload }) => {
        // The API takes ID tokens, which name the user; an access token is refused even with `aud` and `email`.
        if (payload.token_use !== "id") {
          throw new CognitoJwtInvalidTokenUseError("The token is not an ID token.", payload.token_use, "id");
        }
        // aws-jwt-verify checks `exp` only when present; a token that never expires is not acceptable here.
        if (typeof payload.exp !== "number") throw new TokenClaimError("The token has no expiry (exp).", undefined);
        // aws-jwt-verify checks only that `iat` is a number.
        if (typeof payload.iat === "number" && payload.iat - clockSkewSeconds > Date.now() / 1000) {
          throw new TokenClaimError("The token was issued in the future (iat).", payload.iat);
        }
        if (typeof payload.sub !== "string" || payload.sub.length === 0) {
          throw new TokenClaimError("The token has no subject.", payload.sub);
        }
        if (typeof payload.email !== "string") throw new TokenClaimError("The token carries no email.", undefined);
        if (payload.email_verified === false) {
          throw new TokenClaimError("The token's email is not verified.", payload.email_verified);
        }
      },
    },
    auth.jwks ? { jwksCache: new SimpleJwksCache({ fetcher: localKeysFetcher(auth.jwks) }) } : undefined,
  );
}

let verifier: ReturnType<typeof createVerifier> | undefined;

const challenge = 'Bearer realm="crm"';

/** The keys were fetched but cannot verify anything: the identity provider or our configuration is broken. */
function isUnusableKeys(error: unknown): boolean {
  return [
    JwksValidationError,
    JwkValidationError,
    JwkInvalidUseError,
    JwkInvalidKtyError,
    JwksNotAvailableInCacheError,
  ].some((type) => error instanceof type);
}

/** The bearer token of an Authorization header, or a 401 when there is none. */
export function bearerTokenOf(authorization: string | undefined): string {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "");
  if (!match?.[1]) {
    throw new HttpProblemError("unauthorized", "Send a bearer token in the Authorization header.", {
      "www-authenticate": challenge,
    });
  }
  return match[1];
}

/** The 401 for a credential that was sent but is not good: RFC 6750's `invalid_token`, with why. */
export function invalidCredential(description: string, options?: ErrorOptions): HttpProblemError {
  return new HttpProblemError(
    "unauthorized",
    description,
    { "www-authenticate": `${challenge}, error="invalid_token", error_description="${description}"` },
    {},
    options,
  );
}

/**
 * The identity in a verified bearer token. A token that fails verification is a 401; keys that cannot be fetched
 * are a 503 (the next attempt fetches them again), and any other failure of ours is rethrown, to become a 500: both
 * are logged as errors, and neither tells the client its token is bad.
 */
export async function authenticate(authorization: string | undefined): Promise<Identity> {
  return verifyIdToken(bearerTokenOf(authorization));
}

/** The identity in an ID token (see authenticate). */
export async function verifyIdToken(token: string): Promise<Identity> {
  verifier ??= createVerifier(authConfig());
  try {
    if (token.length > maxTokenLength) throw new JwtParseError("The token is too long.");
    const payload = await verifier.verify(token);
    return {
      userId: String(payload.sub),
      email: normaliseEmail(String(payload.email)),
      ...(typeof payload.name === "string" ? { name: payload.name } : {}),
    };
  } catch (error) {
    // From the client's side a JWKS endpoint that is down, times out or answers an error is the same outage.
    if (error instanceof FetchError) {
      throw new HttpProblemError(
        "service-unavailable",
        "Your token could not be checked just now; retry shortly.",
        { "retry-after": String(keysUnavailableRetryAfterSeconds) },
        {},
        { cause: error },
      );
    }
    if (!(error instanceof JwtBaseError) || isUnusableKeys(error)) throw error;
    const expired = error instanceof JwtExpiredError;
    throw invalidCredential(expired ? "The token has expired." : "The token is invalid.", { cause: error });
  }
}
