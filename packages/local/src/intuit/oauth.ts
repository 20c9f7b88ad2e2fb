import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createSigningKeys, type FakeSigningKeys } from "../google/oauth";
import {
  accountingScope,
  escapeHtml,
  type FakeIntuitAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  type IntuitGrant,
  intuitTid,
  parseForm,
  paymentScope,
} from "./fake-intuit-types";

/** An app as registered on developer.intuit.com: its client id and secret and its redirect URIs. */
export type FakeIntuitClient = { clientId: string; clientSecret: string; redirectUris: string[] };

/**
 * When a refresh returns a new refresh-token value: on every refresh, once the current value is older than
 * `afterMs` (Intuit: about 24 h, the same value comes back before that), or never.
 */
export type RefreshTokenRotation = "every-refresh" | "never" | { afterMs: number };

/** The person who signs in on the consent page (the fake has one; the company is what they pick). */
export type IntuitUser = { email: string; givenName: string; familyName: string };

export type FakeIntuitOAuthOptions = {
  clients: FakeIntuitClient[];
  /** The companies the user can connect, listed on the consent page. */
  realms: () => { realmId: string; companyName: string }[];
  user?: IntuitUser;
  /** Default `{ afterMs: 24 h }`, Intuit's observed behaviour. */
  rotation?: RefreshTokenRotation;
  /** How long a superseded refresh token keeps working (Intuit: uncertain, see INTEGRATIONS.md §10); default 0. */
  supersededGraceMs?: number;
  /** Replaying a superseded refresh token (past any grace) revokes every token of its grant; default false. */
  revokeFamilyOnReuse?: boolean;
  /** How long an authorization code can be exchanged; default 5 minutes [verify]. */
  codeLifetimeMs?: number;
  now?: () => number;
  /** Signs ID tokens; the JWKS at `/op/v1/jwks` publishes its public keys. */
  keys?: FakeSigningKeys;
};

/** What `/oauth2/v1/tokens/bearer` answers, as Intuit's JSON. */
export type IntuitTokenResponse = {
  token_type: "bearer";
  access_token: string;
  expires_in: number;
  refresh_token: string;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
  id_token?: string;
};

/** Why a grant stopped working. */
export type GrantRevocation =
  | "revoked"
  | "realm-disconnected"
  | "authorization-code-reuse"
  | "refresh-token-reuse"
  | "expired";

/** One grant (a "token family"): what one consent, exchanged once, gave one app for one company. */
export type FakeIntuitGrantSummary = {
  clientId: string;
  realmId: string | undefined;
  scopes: string[];
  /** The refresh token that currently works (superseded values are not listed). */
  refreshToken: string;
  /** How many times the refresh-token value changed. */
  rotations: number;
  /** Whether the authorization request carried a PKCE code_challenge. */
  pkce: boolean;
  revoked: GrantRevocation | undefined;
};

/** One request that reached the token endpoint. */
export type TokenRequestRecord = {
  grantType: string | undefined;
  status: number;
  /** What went wrong, in the fake's words (e.g. "superseded refresh token"); undefined on success. */
  reason?: string;
  at: number;
};

/** An authorization request as the consent page received it. */
export type AuthorizationRecord = {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  pkce: boolean;
  codeChallengeMethod: string | undefined;
};

/** Test and demo controls of the OAuth part. */
export type FakeIntuitOAuthControls = {
  /** How many requests reached the token endpoint, failed ones included. */
  tokenRequests(): number;
  tokenRequestLog(): TokenRequestRecord[];
  /** Every authorization request the consent page got, e.g. to see whether PKCE was sent. */
  authorizations(): AuthorizationRecord[];
  /** Mints tokens as if the user had connected the company, skipping the consent page (for API tests). */
  issueTokens(request: { realmId: string; clientId?: string; scopes?: string[] }): IntuitTokenResponse;
  /** The company disconnected the app (QuickBooks → Apps → Disconnect): its grants are revoked. */
  revokeRealm(realmId: string): void;
  /** Every access token issued so far is expired from now on (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every refresh token is past its lifetime (100 days unused, or the 5-year cap). */
  expireRefreshTokens(): void;
  /** The next `count` token requests fail with this status and nothing is processed. */
  failTokenEndpoint(count: number, status: number): void;
  /** The next `count` token requests are processed (a refresh may rotate) but the connection drops unanswered. */
  loseTokenResponses(count: number): void;
  /** The next successful refresh returns a new refresh-token value whatever the rotation setting. */
  rotateNextRefresh(): void;
  /** Whether a superseded refresh token was replayed and its whole family revoked (revokeFamilyOnReuse). */
  familyRevoked(): boolean;
  /** How many refreshes presented a superseded refresh token past its grace (the CRM should cause none). */
  supersededReplays(): number;
  grants(): FakeIntuitGrantSummary[];
};

export type FakeIntuitOAuth = {
  route: FakeRoute;
  authority: FakeIntuitAuthority;
  controls: FakeIntuitOAuthControls;
  keys: FakeSigningKeys;
};

export const intuitIssuer = "https://oauth.platform.intuit.com/op/v1";
const knownScopes = new Set([accountingScope, paymentScope, "openid", "profile", "email", "phone", "address"]);
const accessTokenSeconds = 3600;
/** The rolling refresh-token lifetime Intuit reports (101 days), renewed on every use. */
const refreshTokenSeconds = 8_726_400;
/** The absolute cap announced in 2026: five years from the consent. */
const refreshTokenHardSeconds = 5 * 365 * 24 * 3600;
const day = 24 * 3600 * 1000;
const consentPageLifetimeMs = 30 * 60 * 1000;

const randomToken = (bytes: number) => randomBytes(bytes).toString("base64url");
const equalStrings = (left: string, right: string) => {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
};
const pkceValue = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Intuit's token responses are JSON with no caching, and carry an intuit_tid. */
const json = (status: number, body: unknown): FakeResponse => ({
  status,
  json: body,
  headers: { "cache-control": "no-cache, no-store", pragma: "no-cache", intuit_tid: intuitTid() },
});

/** Intuit answers token errors with `{"error": …}` only, often with no description (INTEGRATIONS.md §4). */
const oauthError = (status: number, error: string) => json(status, { error });

const page = (status: number, title: string, body: string): FakeResponse => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", intuit_tid: intuitTid() },
  text: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#393a3d}
h1{font-size:1.4rem;font-weight:600}.note{color:#6b6c72;font-size:.9rem}fieldset{border:1px solid #d4d7dc;border-radius:6px;margin:1rem 0}
label{display:block;margin:.4rem 0}button{font-size:1rem;padding:.5rem 1.4rem;margin-right:.5rem;border-radius:4px;border:1px solid #8d9096;background:#fff}
button[value=connect]{background:#2ca01c;color:#fff;border-color:#2ca01c}code{background:#f4f5f8;padding:0 .2rem}
</style></head><body>
${body}
</body></html>`,
});

const errorPage = (error: string, detail: string) =>
  page(
    400,
    `Error: ${error}`,
    `<h1>Something went wrong</h1>
<p>The app's connection request is invalid. <strong>${escapeHtml(error)}</strong></p>
<p>${escapeHtml(detail)}</p>
<p class="note">This is the local fake of Intuit's sign-in and connect page.</p>`,
  );

type AuthorizationRequest = AuthorizationRecord & {
  client: FakeIntuitClient;
  codeChallenge: string | undefined;
  createdAt: number;
};

type AuthorizationCode = {
  request: AuthorizationRequest;
  realmId: string | undefined;
  expiresAt: number;
  /** The grant its one exchange created; a second exchange revokes it. */
  grant: Grant | undefined;
  used: boolean;
};

type Grant = {
  clientId: string;
  realmId: string | undefined;
  scopes: string[];
  pkce: boolean;
  refreshToken: string;
  /** When the current refresh-token value was first handed out (rotation after N hours counts from it). */
  refreshIssuedAt: number;
  /** Rolling: renewed on every successful use. */
  refreshExpiresAt: number;
  hardExpiresAt: number;
  /** Superseded refresh-token values and when they were superseded. */
  superseded: Map<string, number>;
  rotations: number;
  accessTokens: Set<string>;
  revoked: GrantRevocation | undefined;
};

type AccessToken = { grant: Grant; expiresAt: number };

/**
 * Intuit's OAuth 2.0 server: the connect page (`/connect/oauth2`), the token endpoint with refresh-token rotation
 * (`/oauth2/v1/tokens/bearer`), revocation (`/v2/oauth2/tokens/revoke`), userinfo and the ID-token JWKS.
 */
export function createFakeIntuitOAuth(options: FakeIntuitOAuthOptions): FakeIntuitOAuth {
  const now = options.now ?? Date.now;
  const keys = options.keys ?? createSigningKeys();
  const rotation = options.rotation ?? { afterMs: day };
  const graceMs = options.supersededGraceMs ?? 0;
  const codeLifetimeMs = options.codeLifetimeMs ?? 5 * 60 * 1000;
  const user = options.user ?? { email: "alice@example.com", givenName: "Alice", familyName: "Admin" };
  const userSub = uuidFrom(user.email);
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const pendingRequests = new Map<string, AuthorizationRequest>();
  const authorizationLog: AuthorizationRecord[] = [];
  const codes = new Map<string, AuthorizationCode>();
  const grants: Grant[] = [];
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, Grant>();
  const tokenLog: TokenRequestRecord[] = [];
  const tokenFaults: number[] = [];
  let lostResponses = 0;
  let forcedRotations = 0;
  let familyRevocations = 0;
  let replays = 0;

  const sweep = () => {
    const current = now();
    for (const [id, pending] of pendingRequests) {
      if (pending.createdAt + consentPageLifetimeMs <= current) pendingRequests.delete(id);
    }
    // Used codes stay (a replay must still find its grant to revoke it) until well after their lifetime.
    for (const [code, stored] of codes) if (stored.expiresAt + day <= current) codes.delete(code);
  };

  const revokeGrant = (grant: Grant, reason: GrantRevocation) => {
    if (grant.revoked) return;
    grant.revoked = reason;
    for (const token of grant.accessTokens) accessTokens.delete(token);
    grant.accessTokens.clear();
  };

  /** Intuit's access tokens are ~1 kB JWEs (`dir`, A128CBC-HS256); the fake's look alike and mean nothing. */
  const mintAccessToken = (grant: Grant) => {
    const token = `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${randomToken(16)}.${randomToken(640)}.${randomToken(16)}`;
    accessTokens.set(token, { grant, expiresAt: now() + accessTokenSeconds * 1000 });
    grant.accessTokens.add(token);
    return token;
  };

  /** Intuit refresh tokens are "AB11" plus the expiry in epoch seconds plus random characters. */
  const newRefreshToken = (grant: Grant) => {
    const token = `AB11${Math.floor(now() / 1000) + refreshTokenSeconds}${randomToken(30)}`;
    grant.refreshToken = token;
    grant.refreshIssuedAt = now();
    refreshTokens.set(token, grant);
    return token;
  };

  const idTokenFor = (grant: Grant) => {
    const issuedAt = Math.floor(now() / 1000);
    return keys.sign({
      sub: userSub,
      aud: [grant.clientId],
      ...(grant.realmId === undefined ? {} : { realmid: grant.realmId }),
      auth_time: issuedAt,
      iss: intuitIssuer,
      exp: issuedAt + accessTokenSeconds,
      iat: issuedAt,
    });
  };

  const tokenResponse = (grant: Grant, accessToken: string, hardExpiry: boolean): IntuitTokenResponse => ({
    token_type: "bearer",
    access_token: accessToken,
    expires_in: accessTokenSeconds,
    refresh_token: grant.refreshToken,
    x_refresh_token_expires_in: Math.max(0, Math.round((grant.refreshExpiresAt - now()) / 1000)),
    ...(hardExpiry
      ? { x_refresh_token_hard_expires_in: Math.max(0, Math.round((grant.hardExpiresAt - now()) / 1000)) }
      : {}),
    ...(grant.scopes.includes("openid") ? { id_token: idTokenFor(grant) } : {}),
  });

  const newGrant = (clientId: string, realmId: string | undefined, scopes: string[], pkce: boolean) => {
    const grant: Grant = {
      clientId,
      realmId,
      scopes,
      pkce,
      refreshToken: "",
      refreshIssuedAt: now(),
      refreshExpiresAt: now() + refreshTokenSeconds * 1000,
      hardExpiresAt: now() + refreshTokenHardSeconds * 1000,
      superseded: new Map(),
      rotations: 0,
      accessTokens: new Set(),
      revoked: undefined,
    };
    grants.push(grant);
    newRefreshToken(grant);
    return { grant, accessToken: mintAccessToken(grant) };
  };

  const liveGrant = (grant: Grant) =>
    grant.revoked === undefined && grant.refreshExpiresAt > now() && grant.hardExpiresAt > now();

  const grantOf = (authorization: string | undefined): IntuitGrant | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const entry = match ? accessTokens.get(match[1] as string) : undefined;
    if (!entry || entry.grant.revoked || entry.expiresAt <= now()) return undefined;
    return { realmId: entry.grant.realmId, clientId: entry.grant.clientId, scopes: entry.grant.scopes };
  };

  const isConnected = (realmId: string, clientId?: string) =>
    grants.some(
      (grant) =>
        grant.realmId === realmId && (clientId === undefined || grant.clientId === clientId) && liveGrant(grant),
    );

  // --- /connect/oauth2 --------------------------------------------------------------------------------------

  const authorizationPage = (request: FakeRequest): FakeResponse => {
    sweep();
    const query = request.url.searchParams;
    const clientId = query.get("client_id") ?? undefined;
    const redirectUri = query.get("redirect_uri") ?? undefined;
    const client = clientId === undefined ? undefined : clients.get(clientId);
    if (!client) return errorPage("invalid_client", "The app (client_id) is not known.");
    if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
      return errorPage(
        "redirect_uri_mismatch",
        "The redirect_uri query parameter value is invalid. Make sure it is listed in the Redirect URIs section " +
          "on your app's keys tab and matches it exactly.",
      );
    }
    if (query.get("response_type") !== "code") {
      return errorPage("unsupported_response_type", "response_type must be code.");
    }
    const scopes = [...new Set((query.get("scope") ?? "").split(/\s+/).filter(Boolean))];
    if (scopes.length === 0 || scopes.some((scope) => !knownScopes.has(scope))) {
      return errorPage("invalid_scope", `The scope is missing or not valid: ${query.get("scope") ?? ""}`);
    }
    // Intuit's docs list state as required; the CRM needs it anyway against CSRF.
    const state = query.get("state") ?? undefined;
    if (!state) return errorPage("invalid_request", "The state parameter is required.");
    const codeChallenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? undefined;
    // Whether Intuit accepts PKCE is unverified: the fake takes it (RFC 7636) and records whether it was sent.
    if (method !== undefined && method !== "plain" && method !== "S256") {
      return errorPage("invalid_request", `Invalid code_challenge_method: ${method}`);
    }
    if (codeChallenge !== undefined && !pkceValue.test(codeChallenge)) {
      return errorPage("invalid_request", "Invalid code_challenge");
    }
    const authorization: AuthorizationRequest = {
      client,
      clientId: client.clientId,
      redirectUri,
      scopes,
      state,
      pkce: codeChallenge !== undefined,
      codeChallenge,
      codeChallengeMethod: codeChallenge === undefined ? undefined : (method ?? "plain"),
      createdAt: now(),
    };
    authorizationLog.push({
      clientId: client.clientId,
      redirectUri,
      scopes: [...scopes],
      state,
      pkce: authorization.pkce,
      codeChallengeMethod: authorization.codeChallengeMethod,
    });
    const requestId = randomToken(18);
    pendingRequests.set(requestId, authorization);
    return consentPage(requestId, authorization);
  };

  const needsRealm = (scopes: readonly string[]) => scopes.includes(accountingScope) || scopes.includes(paymentScope);

  const consentPage = (requestId: string, authorization: AuthorizationRequest): FakeResponse => {
    const realms = options.realms();
    const realmChoices = needsRealm(authorization.scopes)
      ? `<fieldset><legend>Choose a company to connect</legend>
${realms
  .map(
    (realm, index) =>
      `<label><input type="radio" name="realmId" value="${escapeHtml(realm.realmId)}"${index === 0 ? " checked" : ""} required> ${escapeHtml(realm.companyName)} <span class="note">(realm ${escapeHtml(realm.realmId)})${
        isConnected(realm.realmId, authorization.clientId) ? " already connected to this app" : ""
      }</span></label>`,
  )
  .join("\n")}
</fieldset>`
      : "";
    return page(
      200,
      "Connect to QuickBooks (local fake)",
      `<h1><code>${escapeHtml(authorization.clientId)}</code> wants to connect to your QuickBooks company</h1>
<p class="note">This is the local fake of Intuit's sign-in and connect page: you are signed in as
${escapeHtml(`${user.givenName} ${user.familyName}`)} &lt;${escapeHtml(user.email)}&gt;, no password needed.
Pick a company and Connect, or Cancel. You are sent back to <code>${escapeHtml(authorization.redirectUri)}</code>.</p>
<p>The app asks for: ${authorization.scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(" ")}</p>
<form method="post" action="/connect/oauth2/consent">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
${realmChoices}
<button type="submit" name="decision" value="connect">Connect</button>
<button type="submit" name="decision" value="cancel" formnovalidate>Cancel</button>
</form>`,
    );
  };

  const redirectWith = (authorization: AuthorizationRequest, parameters: Record<string, string>): FakeResponse => {
    const location = new URL(authorization.redirectUri);
    for (const [key, value] of Object.entries(parameters)) location.searchParams.set(key, value);
    return { status: 302, headers: { location: location.toString(), "cache-control": "no-store" }, text: "" };
  };

  const approve = (request: FakeRequest): FakeResponse => {
    const form = parseForm(request);
    const requestId = form.get("request") ?? "";
    const authorization = pendingRequests.get(requestId);
    if (!authorization || authorization.createdAt + consentPageLifetimeMs <= now()) {
      return errorPage("invalid_request", "This connect request is unknown or has expired; start again from the app.");
    }
    pendingRequests.delete(requestId);
    const state = authorization.state ?? "";
    if (form.get("decision") !== "connect") return redirectWith(authorization, { error: "access_denied", state });
    let realmId: string | undefined;
    if (needsRealm(authorization.scopes)) {
      realmId = form.get("realmId") ?? undefined;
      if (!realmId || !options.realms().some((realm) => realm.realmId === realmId)) {
        return errorPage("invalid_request", "Choose one of the listed companies.");
      }
    }
    const code = `AB11${Math.floor(now() / 1000)}${randomToken(30)}`;
    codes.set(code, {
      request: authorization,
      realmId,
      expiresAt: now() + codeLifetimeMs,
      grant: undefined,
      used: false,
    });
    return redirectWith(authorization, { code, state, ...(realmId === undefined ? {} : { realmId }) });
  };

  // --- /oauth2/v1/tokens/bearer -----------------------------------------------------------------------------

  /** Intuit takes the client credentials only as HTTP Basic (client_secret_basic). */
  const authenticateClient = (request: FakeRequest): FakeIntuitClient | undefined => {
    const basic = /^Basic\s+(\S+)\s*$/i.exec(String(request.headers.authorization ?? ""));
    if (!basic) return undefined;
    const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) return undefined;
    const client = clients.get(decoded.slice(0, separator));
    return client && equalStrings(decoded.slice(separator + 1), client.clientSecret) ? client : undefined;
  };

  type Outcome = { response: FakeResponse; reason?: string };

  const exchangeCode = (client: FakeIntuitClient, form: URLSearchParams, hardExpiry: boolean): Outcome => {
    const code = form.get("code");
    if (!code) return { response: oauthError(400, "invalid_request"), reason: "no code" };
    const stored = codes.get(code);
    if (!stored || stored.request.client !== client) {
      return { response: oauthError(400, "invalid_grant"), reason: "unknown code" };
    }
    if (stored.used) {
      // Intuit treats a second exchange as fraud: the tokens the first exchange issued stop working.
      if (stored.grant) revokeGrant(stored.grant, "authorization-code-reuse");
      return { response: oauthError(400, "invalid_grant"), reason: "authorization code reused" };
    }
    stored.used = true;
    if (stored.expiresAt <= now()) return { response: oauthError(400, "invalid_grant"), reason: "code expired" };
    if (form.get("redirect_uri") !== stored.request.redirectUri) {
      return { response: oauthError(400, "invalid_grant"), reason: "redirect_uri differs" };
    }
    const { codeChallenge, codeChallengeMethod } = stored.request;
    if (codeChallenge !== undefined) {
      const verifier = form.get("code_verifier") ?? "";
      const expected =
        codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (!pkceValue.test(verifier) || !equalStrings(expected, codeChallenge)) {
        return { response: oauthError(400, "invalid_grant"), reason: "PKCE verifier wrong or missing" };
      }
    }
    const { grant, accessToken } = newGrant(
      client.clientId,
      stored.realmId,
      stored.request.scopes,
      stored.request.pkce,
    );
    stored.grant = grant;
    return { response: json(200, tokenResponse(grant, accessToken, hardExpiry)) };
  };

  const refresh = (client: FakeIntuitClient, form: URLSearchParams, hardExpiry: boolean): Outcome => {
    const token = form.get("refresh_token");
    if (!token) return { response: oauthError(400, "invalid_request"), reason: "no refresh_token" };
    const grant = refreshTokens.get(token);
    if (!grant || grant.clientId !== client.clientId) {
      return { response: oauthError(400, "invalid_grant"), reason: "refresh token not found" };
    }
    if (grant.revoked) return { response: oauthError(400, "invalid_grant"), reason: `grant ${grant.revoked}` };
    if (!liveGrant(grant)) return { response: oauthError(400, "invalid_grant"), reason: "refresh token expired" };
    if (token !== grant.refreshToken) {
      const supersededAt = grant.superseded.get(token) ?? 0;
      if (now() >= supersededAt + graceMs) {
        replays += 1;
        if (options.revokeFamilyOnReuse) {
          revokeGrant(grant, "refresh-token-reuse");
          familyRevocations += 1;
        }
        return { response: oauthError(400, "invalid_grant"), reason: "superseded refresh token" };
      }
      // Inside the overlap the old value still works and the answer carries the current value: no new rotation.
      grant.refreshExpiresAt = now() + refreshTokenSeconds * 1000;
      return { response: json(200, tokenResponse(grant, mintAccessToken(grant), hardExpiry)) };
    }
    const rotate =
      forcedRotations > 0 ||
      rotation === "every-refresh" ||
      (typeof rotation === "object" && now() - grant.refreshIssuedAt >= rotation.afterMs);
    if (rotate) {
      if (forcedRotations > 0) forcedRotations -= 1;
      grant.superseded.set(grant.refreshToken, now());
      grant.rotations += 1;
      newRefreshToken(grant);
    }
    grant.refreshExpiresAt = now() + refreshTokenSeconds * 1000;
    return { response: json(200, tokenResponse(grant, mintAccessToken(grant), hardExpiry)) };
  };

  const token = (request: FakeRequest): FakeResponse => {
    const form = parseForm(request);
    const grantType = form.get("grant_type") ?? undefined;
    const record = (outcome: Outcome): FakeResponse => {
      tokenLog.push({ grantType, status: outcome.response.status, reason: outcome.reason, at: now() });
      if (outcome.response.status === 200 && lostResponses > 0) {
        lostResponses -= 1;
        return { ...outcome.response, hangUp: true };
      }
      return outcome.response;
    };
    const fault = tokenFaults.shift();
    if (fault !== undefined) {
      const error = fault === 429 ? "too_many_requests" : fault >= 500 ? "server_error" : "invalid_request";
      return record({ response: oauthError(fault, error), reason: "injected fault" });
    }
    const client = authenticateClient(request);
    if (!client) return record({ response: oauthError(401, "invalid_client"), reason: "client authentication" });
    const hardExpiry = String(request.headers["x-include-refresh-token-hard-expires-in"]).toLowerCase() === "true";
    if (grantType === "authorization_code") return record(exchangeCode(client, form, hardExpiry));
    if (grantType === "refresh_token") return record(refresh(client, form, hardExpiry));
    return record({ response: oauthError(400, "unsupported_grant_type"), reason: "grant_type" });
  };

  // --- revoke, userinfo, JWKS ------------------------------------------------------------------------------

  /** Revoking either token of a grant disconnects the app: the whole grant stops working. */
  const revoke = (request: FakeRequest): FakeResponse => {
    if (!authenticateClient(request)) return oauthError(401, "invalid_client");
    const value = parseForm(request).get("token");
    if (!value) return oauthError(400, "invalid_request");
    const grant = accessTokens.get(value)?.grant ?? refreshTokens.get(value);
    // RFC 7009: an unknown or already revoked token is not an error.
    if (grant) revokeGrant(grant, "revoked");
    return { status: 200, headers: { intuit_tid: intuitTid() }, text: "" };
  };

  const userInfo = (request: FakeRequest): FakeResponse => {
    const grant = grantOf(request.headers.authorization);
    if (!grant?.scopes.includes("openid")) {
      return { ...json(401, { error: "invalid_token" }), headers: { "www-authenticate": 'Bearer realm="Intuit"' } };
    }
    return json(200, {
      sub: userSub,
      ...(grant.scopes.includes("email") ? { email: user.email, emailVerified: true } : {}),
      ...(grant.scopes.includes("profile") ? { givenName: user.givenName, familyName: user.familyName } : {}),
    });
  };

  const route: FakeRoute = (request) => {
    const { pathname } = request.url;
    const method = request.method;
    if (pathname === "/connect/oauth2" && method === "GET") return authorizationPage(request);
    if (pathname === "/connect/oauth2/consent" && method === "POST") return approve(request);
    if (pathname === "/oauth2/v1/tokens/bearer" && method === "POST") return token(request);
    if (pathname === "/v2/oauth2/tokens/revoke" && method === "POST") return revoke(request);
    if (pathname === "/v1/openid_connect/userinfo" && method === "GET") return userInfo(request);
    if (pathname === "/op/v1/jwks" && method === "GET") return { status: 200, json: keys.jwks() };
    return undefined;
  };

  const controls: FakeIntuitOAuthControls = {
    tokenRequests: () => tokenLog.length,
    tokenRequestLog: () => tokenLog.map((entry) => ({ ...entry })),
    authorizations: () => authorizationLog.map((entry) => ({ ...entry, scopes: [...entry.scopes] })),
    issueTokens: ({ realmId, clientId, scopes = [accountingScope] }) => {
      const client = clientId === undefined ? [...clients.values()][0] : clients.get(clientId);
      if (!client) throw new Error(`No such Intuit app: ${clientId ?? "(none configured)"}`);
      if (!options.realms().some((realm) => realm.realmId === realmId)) throw new Error(`No such realm: ${realmId}`);
      const { grant, accessToken } = newGrant(client.clientId, realmId, [...scopes], false);
      return tokenResponse(grant, accessToken, false);
    },
    revokeRealm: (realmId) => {
      for (const grant of grants) if (grant.realmId === realmId) revokeGrant(grant, "realm-disconnected");
    },
    expireAccessTokens: () => {
      for (const entry of accessTokens.values()) entry.expiresAt = Number.NEGATIVE_INFINITY;
    },
    expireRefreshTokens: () => {
      for (const grant of grants) grant.refreshExpiresAt = Number.NEGATIVE_INFINITY;
    },
    failTokenEndpoint: (count, status) => {
      for (let index = 0; index < count; index += 1) tokenFaults.push(status);
    },
    loseTokenResponses: (count) => {
      lostResponses += count;
    },
    rotateNextRefresh: () => {
      forcedRotations += 1;
    },
    familyRevoked: () => familyRevocations > 0,
    supersededReplays: () => replays,
    grants: () =>
      grants.map((grant) => ({
        clientId: grant.clientId,
        realmId: grant.realmId,
        scopes: [...grant.scopes],
        refreshToken: grant.refreshToken,
        rotations: grant.rotations,
        pkce: grant.pkce,
        revoked: grant.revoked ?? (liveGrant(grant) ? undefined : "expired"),
      })),
  };

  return { route, authority: { grantOf, isConnected, now }, controls, keys };
}

/** A stable UUID-shaped subject for the signed-in user, the same on every start. */
function uuidFrom(text: string): string {
  const hex = createHash("sha256").update(text.trim().toLowerCase()).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Driving the consent page like a browser

/** Which company to connect, or Cancel. */
export type IntuitConsentChoice = { realmId: string } | "deny";

/**
 * Loads the authorization URL, picks the company and presses Connect (or Cancel) as a person would, and returns
 * the redirect's Location without following it. Throws with the page's title when Intuit would show an error page.
 */
export async function driveIntuitConsent(authorizationUrl: string, choice: IntuitConsentChoice): Promise<string> {
  const pageResponse = await fetch(authorizationUrl, { redirect: "manual" });
  const html = await pageResponse.text();
  if (pageResponse.status !== 200) {
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? `HTTP ${pageResponse.status}`;
    throw new Error(`The connect page refused the request: ${title}`);
  }
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !requestId) throw new Error("The connect page has no form.");
  const form = new URLSearchParams({ request: requestId, decision: choice === "deny" ? "cancel" : "connect" });
  if (choice !== "deny" && html.includes('name="realmId"')) {
    if (!html.includes(`name="realmId" value="${escapeHtml(choice.realmId)}"`)) {
      throw new Error(`The connect page does not offer company ${choice.realmId}.`);
    }
    form.set("realmId", choice.realmId);
  }
  const submitted = await fetch(new URL(action, authorizationUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = submitted.headers.get("location");
  if (submitted.status !== 302 || !location) {
    const title = /<title>([^<]*)<\/title>/.exec(await submitted.text())?.[1] ?? `HTTP ${submitted.status}`;
    throw new Error(`The connect form was refused: ${title}`);
  }
  return location;
}
