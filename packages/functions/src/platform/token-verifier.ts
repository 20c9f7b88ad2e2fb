import { type Config, config, type Identity, normaliseEmail } from "@crm/core/platform";
import { JwtVerifier } from "aws-jwt-verify";
import { JwtExpiredError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { HttpProblemError } from "./http-problem";

/** Longest token we try to parse; anything longer is rejected before any crypto. */
const maxTokenLength = 8192;

/**
 * A fetcher that answers every JWKS request with the local identity provider's keys. aws-jwt-verify fetches only
 * over https; feeding it the keys this way keeps the verification itself identical to Lambda's, including the
 * refetch it does for an unknown `kid` (which then fails with KidNotFoundInJwksError, as in AWS).
 */
function localKeysFetcher(jwks: NonNullable<Config["auth"]["jwks"]>): Fetcher {
  const body = new TextEncoder().encode(JSON.stringify(jwks));
  return { fetch: async () => body.buffer.slice(0) as ArrayBuffer };
}

function createVerifier(auth: Config["auth"]) {
  return JwtVerifier.create(
    {
      issuer: auth.issuer,
      audience: auth.audience,
      jwksUri: auth.jwksUri,
      // aws-jwt-verify checks `exp` only when present; a token that never expires is not acceptable here.
      customJwtCheck: ({ payload }) => {
        if (typeof payload.exp !== "number") throw new Error("The token has no expiry (exp).");
        if (typeof payload.sub !== "string" || payload.sub.length === 0) throw new Error("The token has no subject.");
        if (typeof payload.email !== "string") throw new Error("The token carries no email.");
        if (payload.email_verified === false) throw new Error("The token's email is not verified.");
      },
    },
    auth.jwks ? { jwksCache: new SimpleJwksCache({ fetcher: localKeysFetcher(auth.jwks) }) } : undefined,
  );
}

let verifier: ReturnType<typeof createVerifier> | undefined;

const challenge = 'Bearer realm="crm"';

/** The identity in a verified bearer token, or a 401 problem. */
export async function authenticate(authorization: string | undefined): Promise<Identity> {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "");
  if (!match?.[1]) {
    throw new HttpProblemError("unauthorized", "Send a bearer token in the Authorization header.", {
      "www-authenticate": challenge,
    });
  }
  const token = match[1];
  verifier ??= createVerifier(config().auth);
  try {
    if (token.length > maxTokenLength) throw new Error("The token is too long.");
    const payload = await verifier.verify(token);
    return {
      userId: String(payload.sub),
      email: normaliseEmail(String(payload.email)),
      ...(typeof payload.name === "string" ? { name: payload.name } : {}),
    };
  } catch (error) {
    const expired = error instanceof JwtExpiredError;
    const description = expired ? "The token has expired." : "The token is invalid.";
    throw new HttpProblemError(
      "unauthorized",
      description,
      { "www-authenticate": `${challenge}, error="invalid_token", error_description="${description}"` },
      {},
      { cause: error },
    );
  }
}
