import { z } from "zod";

/** A provider's OAuth 2.0 endpoints and client (RFC 6749), as its configuration gives them. */
export type OAuthClientSettings = {
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
};

/** What a token endpoint answered: a refresh may or may not carry a new refresh token (Google's never does). */
export type TokenResponse = {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
  scopes?: string[];
  idToken?: string;
};

/**
 * The token endpoint refused the grant (`invalid_grant`: revoked, expired, a used code; `invalid_client`): a
 * definite answer, never retried.
 */
export class OAuthGrantError extends Error {
  override readonly name = "OAuthGrantError";
  constructor(
    readonly error: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The token endpoint did not give a definite answer (network, timeout, 5xx, garbage): the outcome is unknown. */
export class OAuthEndpointError extends Error {
  override readonly name = "OAuthEndpointError";
  constructor(
    message: string,
    readonly status = 0,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().regex(/^bearer$/i),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});

const errorResponseSchema = z.object({ error: z.string(), error_description: z.string().optional() });

const tokenTimeoutMilliseconds = 10_000;

/** The authorization URL of the code flow with PKCE S256 (RFC 7636) and the provider's extra parameters. */
export function authorizationUrl(
  settings: OAuthClientSettings,
  request: { redirectUri: string; scopes: readonly string[]; state: string; codeChallenge: string },
  extra: Record<string, string> = {},
): string {
  const url = new URL(settings.authorizationUrl);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    redirect_uri: request.redirectUri,
    response_type: "code",
    scope: request.scopes.join(" "),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: "S256",
    ...extra,
  }).toString();
  return url.toString();
}

/**
 * One POST to the token endpoint, never retried here: a lost answer to a refresh may already have rotated the token
 * (Intuit, Xero), so whether to try again is the caller's decision.
 */
async function tokenRequest(settings: OAuthClientSettings, form: Record<string, string>): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetch(settings.tokenUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString("base64")}`,
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(tokenTimeoutMilliseconds),
    });
  } catch (error) {
    throw new OAuthEndpointError("The token endpoint did not answer.", 0, { cause: error });
  }
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthEndpointError(`The token endpoint answered ${response.status} without JSON.`, response.status);
  }
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new OAuthEndpointError("The token endpoint's answer is not a token response.", 200);
    const token = parsed.data;
    return {
      accessToken: token.access_token,
      expiresInSeconds: token.expires_in,
      ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
      ...(token.scope === undefined ? {} : { scopes: token.scope.split(/\s+/).filter(Boolean) }),
      ...(token.id_token ? { idToken: token.id_token } : {}),
    };
  }
  const refusal = errorResponseSchema.safeParse(body);
  if (response.status >= 400 && response.status < 500 && refusal.success) {
    throw new OAuthGrantError(
      refusal.data.error,
      response.status,
      refusal.data.error_description ?? refusal.data.error,
    );
  }
  throw new OAuthEndpointError(`The token endpoint answered ${response.status}.`, response.status);
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export function exchangeCode(
  settings: OAuthClientSettings,
  request: { code: string; codeVerifier: string; redirectUri: string },
): Promise<TokenResponse> {
  return tokenRequest(settings, {
    grant_type: "authorization_code",
    code: request.code,
    code_verifier: request.codeVerifier,
    redirect_uri: request.redirectUri,
  });
}

/** Asks for a new access token with a refresh token. */
export function refreshAccessToken(settings: OAuthClientSettings, refreshToken: string): Promise<TokenResponse> {
  return tokenRequest(settings, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** Revokes a token at the provider (RFC 7009); true when it answered 200, or said the token is already unknown. */
export async function revokeToken(settings: OAuthClientSettings, token: string): Promise<boolean> {
  try {
    const response = await fetch(settings.revocationUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(tokenTimeoutMilliseconds),
    });
    await response.body?.cancel();
    return response.ok || response.status === 400;
  } catch {
    return false;
  }
}
