import { JwtVerifier } from "aws-jwt-verify";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { logger } from "./logger";

/** What a provider's signed OIDC token must say (e.g. Pub/Sub push: Google's issuer, our audience, its account). */
export type OidcTokenExpectations = {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** The service account the token must name in `email`, with `email_verified: true`. */
  email: string;
};

/** The clock skew allowed on `exp`, as Google's own client libraries allow. */
const clockSkewSeconds = 300;
const longestToken = 8_192;

/**
 * Fetches the JWKS with the runtime's own fetch, over https in AWS and over http to a local fake alike (the
 * library's default fetcher refuses plain http), so the verification is the same code everywhere.
 */
const jwksFetcher: Fetcher = {
  fetch: async (uri) => {
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new JwksUnavailableError(`The JWKS at ${uri} did not answer.`, { cause: error });
    }
    if (!response.ok) throw new JwksUnavailableError(`The JWKS at ${uri} answered ${response.status}.`);
    return response.arrayBuffer();
  },
};

/** The issuer's keys could not be fetched: our dependency failed, which is a 5xx, never the sender's fault. */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

/**
 * A check of `Authorization: Bearer <OIDC token>` against the expectations (signature by the issuer's JWKS, issuer,
 * audience, expiry, email and email_verified). Any failure is just `false`: the caller answers 401 without saying
 * which check failed; the reason is logged at INFO. Keys that cannot be fetched throw (a 5xx, so the sender retries).
 */
export function oidcTokenVerifier(expectations: () => OidcTokenExpectations) {
  let verifier: ReturnType<typeof JwtVerifier.create> | undefined;
  let builtFor: string | undefined;
  return async (authorization: string | undefined): Promise<boolean> => {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? "")?.[1];
    if (!token || token.length > longestToken) return false;
    const expected = expectations();
    // Built once per configuration, so the JWKS is fetched once and cached as the library caches it.
    if (!verifier || builtFor !== JSON.stringify(expected)) {
      builtFor = JSON.stringify(expected);
      verifier = JwtVerifier.create(
        {
          issuer: expected.issuer,
          audience: expected.audience,
          jwksUri: expected.jwksUri,
          graceSeconds: clockSkewSeconds,
          customJwtCheck: ({ payload }) => {
            if (payload.email !== expected.email || payload.email_verified !== true) {
              throw new Error("The token is not from the expected account.");
            }
          },
        },
        { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher }) },
      );
    }
    try {
      await verifier.verify(token);
      return true;
    } catch (error) {
      if (error instanceof JwksUnavailableError || (error as Error).cause instanceof JwksUnavailableError) throw error;
      logger.info("signed token refused", { reason: (error as Error).message });
      return false;
    }
  };
}
