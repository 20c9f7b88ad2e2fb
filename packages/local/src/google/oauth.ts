import {
  createHash,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";
import type {
  FakeGoogleAuthority,
  FakeRequest,
  FakeResponse,
  FakeRoute,
  GoogleAccount,
  TokenGrant,
} from "./fake-google-types";

/** An OAuth client as registered in the Google Cloud console: its id, secret and authorised redirect URIs. */
export type FakeOAuthClient = { clientId: string; clientSecret: string; redirectUris: string[] };

export type FakeOAuthOptions = {
  clients: FakeOAuthClient[];
  accounts: { email: string; name: string }[];
  /** The `iss` of ID tokens; Google's is "https://accounts.google.com". */
  issuer?: string;
  /** Google does not rotate refresh tokens; true returns a new one on every refresh and retires the old one. */
  rotateRefreshTokens?: boolean;
  /**
   * Refresh-token lifetime, as for an app whose consent screen is External + Testing (Google: 7 days). Unset: they
   * live until revoked. When set, token responses also carry `refresh_token_expires_in`.
   */
  refreshTokenLifetimeSeconds?: number;
  /** Live refresh tokens per account and client; issuing one more silently retires the oldest (Google: 100). */
  refreshTokenLimit?: number;
  now?: () => number;
  /** The signing keys, shared with the Pub/Sub push emitter so one JWKS verifies both kinds of token. */
  keys?: FakeSigningKeys;
};

/** What `/token` answers, as Google's JSON. */
export type GoogleTokenResponse = {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  scope: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  id_token?: string;
};

/** One grant of scopes by one account to one client: its refresh token (if any) and the access tokens minted from it. */
export type FakeGrantSummary = {
  clientId: string;
  email: string;
  scopes: string[];
  hasRefreshToken: boolean;
  revoked: boolean;
};

/** Test and demo controls of the OAuth part. */
export type FakeOAuthControls = {
  /** How many requests reached `/token`, failed ones included. */
  tokenRequests(): number;
  /** Mints tokens as if the account had consented, skipping the consent page (for API-module tests). */
  issueTokens(request: { email: string; scopes: string[]; clientId?: string; offline?: boolean }): GoogleTokenResponse;
  /** The user removed the app from their account: every grant of the account is revoked, its consents forgotten. */
  revokeAccount(email: string): void;
  /** The user changed their password: Google revokes the grants that carry Gmail scopes. */
  changePassword(email: string): void;
  /** Every access token issued so far is expired from now on (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every refresh token is expired, as after the 7-day limit of a Testing app. */
  expireRefreshTokens(): void;
  /** The next `count` token requests fail with this status (5xx `internal_failure`, 429 `rate_limit_exceeded`). */
  failTokenEndpoint(count: number, status: number): void;
  grants(): FakeGrantSummary[];
  /** Signs with a new key from now on; the JWKS serves the new and the previous key, as Google's does. */
  rotateSigningKey(): void;
};

export type FakeOAuth = {
  route: FakeRoute;
  authority: FakeGoogleAuthority;
  keys: FakeSigningKeys;
  controls: FakeOAuthControls;
};

export const googleIssuer = "https://accounts.google.com";
const scopePrefix = "https://www.googleapis.com/auth/";
const emailScope = `${scopePrefix}userinfo.email`;
const profileScope = `${scopePrefix}userinfo.profile`;
const signInScopes = new Set(["openid", emailScope, profileScope]);
const gmailScopes = new Set([
  "https://mail.google.com/",
  ...["readonly", "metadata", "modify", "compose", "send", "insert", "labels"].map((s) => `${scopePrefix}gmail.${s}`),
]);

const accessTokenSeconds = 3599;
const codeLifetimeMs = 10 * 60 * 1000;
const idTokenSeconds = 3600;
/** How long the consent page's form stays usable, like Google's sign-in session for one request. */
const consentPageLifetimeMs = 30 * 60 * 1000;
const jwksMaxAgeSeconds = 21_600;

/** What the consent page shows for a scope, in Google's wording where we know it. */
const scopeDescriptions: Record<string, string> = {
  openid: "Associate you with your personal info on Google",
  [emailScope]: "See your primary Google Account email address",
  [profileScope]: "See your personal info, including any personal info you've made publicly available",
  [`${scopePrefix}gmail.readonly`]: "View your email messages and settings",
  [`${scopePrefix}gmail.metadata`]:
    "View your email message metadata such as labels and headers, but not the email body",
  [`${scopePrefix}calendar.readonly`]: "See and download any calendar you can access using your Google Calendar",
  [`${scopePrefix}calendar.events.readonly`]: "View events on all your calendars",
  [`${scopePrefix}calendar.events.owned.readonly`]: "See events on Google calendars you own",
  [`${scopePrefix}calendar.calendarlist.readonly`]: "See the list of Google calendars you're subscribed to",
};

// ---------------------------------------------------------------------------------------------------------------
// Signing keys and JWTs

/** The fake's RS256 keys: the newest signs, the JWKS lists the newest two (Google publishes two at a time). */
export type FakeSigningKeys = {
  jwks(): { keys: JsonWebKey[] };
  /** Signs claims as an RS256 JWT with the current key; header fields (e.g. a foreign `kid`) can be overridden. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** The claims of a JWT this fake signed with a key it still publishes; undefined for anything else. */
  verify(token: string): Record<string, unknown> | undefined;
  rotate(): void;
};

type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject; publicJwk: JsonWebKey };

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // Google's key ids are 40 hex digits.
  const kid = randomBytes(20).toString("hex");
  const { kty, n, e } = publicKey.export({ format: "jwk" });
  return { kid, privateKey, publicKey, publicJwk: { kty, alg: "RS256", use: "sig", kid, n, e } };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** In-memory RS256 signing keys, generated per fake (the same node:crypto approach as the local identity provider). */
export function createSigningKeys(): FakeSigningKeys {
  let keys = [newSigningKey()];
  return {
    jwks: () => ({ keys: keys.map((key) => key.publicJwk) }),
    sign: (claims, header = {}) => {
      const current = keys[0] as SigningKey;
      const input = `${base64url({ alg: "RS256", kid: current.kid, typ: "JWT", ...header })}.${base64url(claims)}`;
      return `${input}.${sign("RSA-SHA256", Buffer.from(input), current.privateKey).toString("base64url")}`;
    },
    verify: (token) => {
      const [header, payload, signature] = token.split(".");
      if (!header || !payload || signature === undefined) return undefined;
      try {
        const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
        const key = keys.find((candidate) => candidate.kid === kid);
        if (!key || alg !== "RS256") return undefined;
        const input = Buffer.from(`${header}.${payload}`);
        if (!verify("RSA-SHA256", input, key.publicKey, Buffer.from(signature, "base64url"))) return undefined;
        return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
    },
    rotate: () => {
      keys = [newSigningKey(), ...keys].slice(0, 2);
    },
  };
}

/** A stable Google-style subject for an email: a 21-digit number, the same on every start. */
export function googleSubjectFor(email: string): string {
  const digits = BigInt(`0x${createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 16)}`);
  return `1${digits.toString().padStart(20, "0").slice(0, 20)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Request helpers shared by the modules

/** The form fields (or JSON object) of a request body; Google's token endpoint accepts both. */
export function parseForm(request: FakeRequest): URLSearchParams {
  const text = request.body.toString("utf8");
  if (String(request.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const object = JSON.parse(text || "{}") as Record<string, unknown>;
      return new URLSearchParams(Object.entries(object).map(([key, value]): [string, string] => [key, String(value)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  json: body,
  headers: { "cache-control": "no-cache, no-store, max-age=0, must-revalidate", pragma: "no-cache", ...headers },
});

const oauthError = (status: number, error: string, description?: string) =>
  json(status, description === undefined ? { error } : { error, error_description: description });

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] as string,
  );

const page = (status: number, title: string, body: string): FakeResponse => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  text: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#202124}
h1{font-size:1.4rem;font-weight:500}.note{color:#5f6368;font-size:.9rem}fieldset{border:1px solid #dadce0;border-radius:8px;margin:1rem 0}
label{display:block;margin:.4rem 0}button{font-size:1rem;padding:.5rem 1.4rem;margin-right:.5rem;border-radius:4px;border:1px solid #dadce0}
button[value=allow]{background:#1a73e8;color:#fff;border-color:#1a73e8}code{background:#f1f3f4;padding:0 .2rem}
</style></head><body>
${body}
</body></html>`,
});

const errorPage = (error: string, detail: string, requestDetails: Record<string, string | undefined> = {}) =>
  page(
    400,
    `Error 400: ${error}`,
    `<h1>Access blocked: this app's request is invalid</h1>
<p>You can't sign in because this app sent an invalid request. <strong>Error 400: ${escapeHtml(error)}</strong></p>
<p>${escapeHtml(detail)}</p>
<p class="note">Request details: ${Object.entries(requestDetails)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `<code>${escapeHtml(key)}=${escapeHtml(String(value))}</code>`)
      .join(" ")}</p>
<p class="note">This is the local fake of Google's sign-in page.</p>`,
  );

/** `email` and `profile` are short for the userinfo scopes; Google answers with the long names. */
function normaliseScope(scope: string): string {
  if (scope === "email") return emailScope;
  if (scope === "profile") return profileScope;
  return scope;
}

const isKnownScope = (scope: string) =>
  scope === "openid" || scope === "https://mail.google.com/" || scope.startsWith(scopePrefix);

const randomToken = (bytes: number) => randomBytes(bytes).toString("base64url");

const equalStrings = (left: string, right: string) => {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** RFC 7636's alphabet and length for a verifier and a challenge. */
const pkceValue = /^[A-Za-z0-9\-._~]{43,128}$/;

// ---------------------------------------------------------------------------------------------------------------
// The OAuth server

type AuthorizationRequest = {
  client: FakeOAuthClient;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  offline: boolean;
  prompt: Set<string>;
  codeChallenge: string | undefined;
  codeChallengeMethod: "S256" | "plain";
  loginHint: string | undefined;
  includeGrantedScopes: boolean;
  nonce: string | undefined;
  createdAt: number;
};

type AuthorizationCode = {
  request: AuthorizationRequest;
  account: GoogleAccount;
  scopes: string[];
  issueRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
};

type Grant = {
  clientId: string;
  account: GoogleAccount;
  scopes: string[];
  refreshToken: string | undefined;
  refreshExpiresAt: number;
  accessTokens: Set<string>;
  revoked: boolean;
  createdAt: number;
};

type AccessToken = { grant: Grant; expiresAt: number };

/** The OAuth 2.0 / OpenID Connect part of the fake: authorization page, token, revoke, JWKS, tokeninfo, userinfo. */
export function createFakeOAuth(options: FakeOAuthOptions): FakeOAuth {
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? googleIssuer;
  const keys = options.keys ?? createSigningKeys();
  const refreshTokenLimit = options.refreshTokenLimit ?? 100;
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const accounts = new Map(
    options.accounts.map(({ email, name }) => {
      const normalised = email.trim().toLowerCase();
      return [normalised, { email: normalised, name, sub: googleSubjectFor(normalised) } satisfies GoogleAccount];
    }),
  );
  const pendingRequests = new Map<string, AuthorizationRequest>();
  const codes = new Map<string, AuthorizationCode>();
  const grants: Grant[] = [];
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, Grant>();
  /** Scopes each account has granted each client (`clientId email`), as Google remembers consent. */
  const consents = new Map<string, Set<string>>();
  let tokenRequestCount = 0;
  const tokenFaults: number[] = [];

  const consentKey = (clientId: string, email: string) => `${clientId} ${email}`;

  /** Forgets consent pages and codes past their lifetime, so a long `npm start` does not keep them all. */
  const sweep = () => {
    const current = now();
    for (const [id, pending] of pendingRequests) {
      if (pending.createdAt + consentPageLifetimeMs <= current) pendingRequests.delete(id);
    }
    for (const [code, stored] of codes) if (stored.expiresAt <= current) codes.delete(code);
  };

  const revokeGrant = (grant: Grant) => {
    grant.revoked = true;
    for (const token of grant.accessTokens) accessTokens.delete(token);
    grant.accessTokens.clear();
    if (grant.refreshToken) refreshTokens.delete(grant.refreshToken);
    // With no live grant left the app is no longer connected, so the next authorization shows consent again.
    const key = consentKey(grant.clientId, grant.account.email);
    if (!grants.some((other) => !other.revoked && consentKey(other.clientId, other.account.email) === key)) {
      consents.delete(key);
    }
  };

  const idTokenFor = (grant: Grant, accessToken: string, nonce?: string) => {
    const issuedAt = Math.floor(now() / 1000);
    const digest = createHash("sha256").update(accessToken).digest();
    const [givenName, ...familyNames] = grant.account.name.split(" ");
    return keys.sign({
      iss: issuer,
      azp: grant.clientId,
      aud: grant.clientId,
      sub: grant.account.sub,
      // Google puts the email claims in only with the email scope, the name claims only with the profile scope.
      ...(grant.scopes.includes(emailScope) ? { email: grant.account.email, email_verified: true } : {}),
      at_hash: digest.subarray(0, digest.length / 2).toString("base64url"),
      ...(nonce === undefined ? {} : { nonce }),
      ...(grant.scopes.includes(profileScope)
        ? { name: grant.account.name, given_name: givenName, family_name: familyNames.join(" ") || undefined }
        : {}),
      iat: issuedAt,
      exp: issuedAt + idTokenSeconds,
    });
  };

  const mintAccessToken = (grant: Grant) => {
    const token = `ya29.${randomToken(48)}`;
    accessTokens.set(token, { grant, expiresAt: now() + accessTokenSeconds * 1000 });
    grant.accessTokens.add(token);
    return token;
  };

  const newRefreshToken = (grant: Grant) => {
    const token = `1//${randomToken(36)}`;
    grant.refreshToken = token;
    grant.refreshExpiresAt =
      options.refreshTokenLifetimeSeconds === undefined
        ? Number.POSITIVE_INFINITY
        : now() + options.refreshTokenLifetimeSeconds * 1000;
    refreshTokens.set(token, grant);
    return token;
  };

  const tokenResponse = (grant: Grant, accessToken: string, refreshToken?: string, nonce?: string) => {
    const response: GoogleTokenResponse = {
      access_token: accessToken,
      expires_in: accessTokenSeconds,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      ...(refreshToken !== undefined && options.refreshTokenLifetimeSeconds !== undefined
        ? { refresh_token_expires_in: Math.max(0, Math.round((grant.refreshExpiresAt - now()) / 1000)) }
        : {}),
      scope: grant.scopes.join(" "),
      token_type: "Bearer",
      ...(grant.scopes.includes("openid") ? { id_token: idTokenFor(grant, accessToken, nonce) } : {}),
    };
    return response;
  };

  const newGrant = (clientId: string, account: GoogleAccount, scopes: string[], withRefreshToken: boolean) => {
    const grant: Grant = {
      clientId,
      account,
      scopes,
      refreshToken: undefined,
      refreshExpiresAt: 0,
      accessTokens: new Set(),
      revoked: false,
      createdAt: now(),
    };
    grants.push(grant);
    const accessToken = mintAccessToken(grant);
    const refreshToken = withRefreshToken ? newRefreshToken(grant) : undefined;
    if (refreshToken) {
      // Past the per-account, per-client cap, the oldest refresh token stops working without notice.
      const live = grants.filter(
        (other) => other.refreshToken && !other.revoked && other.clientId === clientId && other.account === account,
      );
      for (const oldest of live.slice(0, Math.max(0, live.length - refreshTokenLimit))) revokeGrant(oldest);
    }
    return { grant, accessToken, refreshToken };
  };

  const grantOf = (authorization: string | undefined): TokenGrant | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const entry = match ? accessTokens.get(match[1] as string) : undefined;
    if (!entry || entry.grant.revoked || entry.expiresAt <= now()) return undefined;
    return { account: entry.grant.account, scopes: entry.grant.scopes, clientId: entry.grant.clientId };
  };

  // --- /o/oauth2/v2/auth ---------------------------------------------------------------------------------------

  const authorizationPage = (request: FakeRequest): FakeResponse => {
    sweep();
    const query = request.url.searchParams;
    const clientId = query.get("client_id") ?? undefined;
    const redirectUri = query.get("redirect_uri") ?? undefined;
    const client = clientId === undefined ? undefined : clients.get(clientId);
    if (!client) {
      return errorPage("invalid_client", "The OAuth client was not found.", { client_id: clientId });
    }
    if (redirectUri === undefined || !client.redirectUris.includes(redirectUri)) {
      return errorPage(
        "redirect_uri_mismatch",
        "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. " +
          "The redirect_uri is not registered for this OAuth client.",
        { redirect_uri: redirectUri, client_id: clientId },
      );
    }
    const details = { client_id: clientId, redirect_uri: redirectUri };
    if (query.get("response_type") !== "code") {
      return errorPage("unsupported_response_type", "Only response_type=code is supported by this fake.", {
        ...details,
        response_type: query.get("response_type") ?? undefined,
      });
    }
    const requestedScopes = [...new Set((query.get("scope") ?? "").split(/\s+/).filter(Boolean).map(normaliseScope))];
    if (requestedScopes.length === 0) {
      return errorPage("invalid_request", "Missing required parameter: scope", details);
    }
    const unknownScope = requestedScopes.find((scope) => !isKnownScope(scope));
    if (unknownScope) {
      return errorPage("invalid_scope", `Some requested scopes were invalid: {invalid=[${unknownScope}]}`, details);
    }
    const accessType = query.get("access_type") ?? "online";
    if (accessType !== "online" && accessType !== "offline") {
      return errorPage("invalid_request", `Invalid access_type: ${accessType}`, details);
    }
    const prompt = new Set((query.get("prompt") ?? "").split(/\s+/).filter(Boolean));
    if ([...prompt].some((value) => !["none", "consent", "select_account"].includes(value))) {
      return errorPage("invalid_request", `Invalid prompt: ${query.get("prompt")}`, details);
    }
    if (prompt.has("none") && prompt.size > 1) {
      return errorPage("invalid_request", "prompt=none must not be combined with other values", details);
    }
    const codeChallenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? undefined;
    if (method !== undefined && codeChallenge === undefined) {
      return errorPage("invalid_request", "code_challenge_method requires a code_challenge", details);
    }
    if (method !== undefined && method !== "S256" && method !== "plain") {
      return errorPage("invalid_request", `Invalid code_challenge_method: ${method}`, details);
    }
    if (codeChallenge !== undefined && !pkceValue.test(codeChallenge)) {
      return errorPage("invalid_request", "Invalid code_challenge", details);
    }
    const authorization: AuthorizationRequest = {
      client,
      redirectUri,
      scopes: requestedScopes,
      state: query.get("state") ?? undefined,
      offline: accessType === "offline",
      prompt,
      codeChallenge,
      codeChallengeMethod: method === "S256" ? "S256" : "plain",
      loginHint: query.get("login_hint")?.trim().toLowerCase() || undefined,
      includeGrantedScopes: query.get("include_granted_scopes") === "true",
      nonce: query.get("nonce") ?? undefined,
      createdAt: now(),
    };

    if (prompt.has("none")) return silentAuthorization(authorization);

    const requestId = randomToken(18);
    pendingRequests.set(requestId, authorization);
    return consentPage(requestId, authorization);
  };

  /** prompt=none: no page; a code when the hinted account already consented to everything, else an error redirect. */
  const silentAuthorization = (authorization: AuthorizationRequest): FakeResponse => {
    const account = authorization.loginHint === undefined ? undefined : findAccount(authorization.loginHint);
    if (!account) return redirectWith(authorization, { error: "interaction_required" });
    const granted = consents.get(consentKey(authorization.client.clientId, account.email));
    if (!granted || authorization.scopes.some((scope) => !granted.has(scope))) {
      return redirectWith(authorization, { error: "consent_required" });
    }
    return issueCode(authorization, account, authorization.scopes, false);
  };

  const findAccount = (hint: string) =>
    accounts.get(hint) ?? [...accounts.values()].find((account) => account.sub === hint);

  const consentPage = (requestId: string, authorization: AuthorizationRequest): FakeResponse => {
    const clientId = authorization.client.clientId;
    const chosen = (authorization.loginHint && findAccount(authorization.loginHint)) || [...accounts.values()][0];
    const accountChoices = [...accounts.values()]
      .map((account) => {
        const connected = consents.has(consentKey(clientId, account.email));
        return `<label><input type="radio" name="account" value="${escapeHtml(account.email)}"${
          account === chosen ? " checked" : ""
        } required> ${escapeHtml(account.name)} &lt;${escapeHtml(account.email)}&gt;${
          connected ? ' <span class="note">(already connected to this app)</span>' : ""
        }</label>`;
      })
      .join("\n");
    const scopeChoices = authorization.scopes
      .map((scope) => {
        const description = escapeHtml(scopeDescriptions[scope] ?? scope);
        // Sign-in scopes cannot be unticked on Google's granular consent screen; the others can.
        return signInScopes.has(scope)
          ? `<label><input type="checkbox" checked disabled> ${description} <code>${escapeHtml(scope)}</code></label>`
          : `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${description} <code>${escapeHtml(scope)}</code></label>`;
      })
      .join("\n");
    return page(
      200,
      "Sign in - Google Accounts (local fake)",
      `<h1>Choose an account to continue to <code>${escapeHtml(clientId)}</code></h1>
<p class="note">This is the local fake of Google's sign-in and consent page: no password is needed. Pick a demo
account, untick any permission you do not want to grant, then Allow or Deny. You are sent back to
<code>${escapeHtml(authorization.redirectUri)}</code>.</p>
<form method="post" action="/o/oauth2/v2/auth/approve">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<fieldset><legend>Account</legend>
${accountChoices}
</fieldset>
<fieldset><legend>This app wants to</legend>
${scopeChoices}
</fieldset>
<p class="note">${authorization.offline ? "The app asks for offline access (a refresh token). " : ""}${
        authorization.prompt.has("consent") ? "The app asked to show this consent again (prompt=consent)." : ""
      }</p>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    );
  };

  const redirectWith = (authorization: AuthorizationRequest, parameters: Record<string, string>): FakeResponse => {
    const location = new URL(authorization.redirectUri);
    for (const [key, value] of Object.entries(parameters)) location.searchParams.set(key, value);
    if (authorization.state !== undefined) location.searchParams.set("state", authorization.state);
    return { status: 302, headers: { location: location.toString(), "cache-control": "no-store" }, text: "" };
  };

  const issueCode = (
    authorization: AuthorizationRequest,
    account: GoogleAccount,
    grantedNow: string[],
    consentShown: boolean,
  ): FakeResponse => {
    const key = consentKey(authorization.client.clientId, account.email);
    const previously = consents.get(key) ?? new Set<string>();
    const remembered = new Set([...previously, ...grantedNow]);
    consents.set(key, remembered);
    const scopes = authorization.includeGrantedScopes ? [...remembered] : grantedNow;
    const code = `4/0A${randomToken(54)}`;
    codes.set(code, {
      request: authorization,
      account,
      scopes,
      // Google returns a refresh token only for offline access, and only when the user actually saw consent.
      issueRefreshToken: authorization.offline && consentShown,
      expiresAt: now() + codeLifetimeMs,
      used: false,
    });
    const index = [...accounts.values()].indexOf(account);
    return redirectWith(authorization, {
      code,
      scope: scopes.join(" "),
      authuser: String(Math.max(0, index)),
      prompt: consentShown ? "consent" : "none",
    });
  };

  const approve = (request: FakeRequest): FakeResponse => {
    const form = parseForm(request);
    const authorization = pendingRequests.get(form.get("request") ?? "");
    if (!authorization || authorization.createdAt + consentPageLifetimeMs <= now()) {
      return errorPage("invalid_request", "This sign-in request is unknown or has expired; start again from the app.");
    }
    if (form.get("decision") === "deny") return redirectWith(authorization, { error: "access_denied" });
    const account = findAccount((form.get("account") ?? "").trim().toLowerCase());
    if (!account) return errorPage("invalid_request", "Choose one of the listed accounts.");
    const ticked = new Set(form.getAll("scope").map(normaliseScope));
    const granted = authorization.scopes.filter((scope) => signInScopes.has(scope) || ticked.has(scope));
    if (granted.length === 0) return redirectWith(authorization, { error: "access_denied" });
    const previously = consents.get(consentKey(authorization.client.clientId, account.email));
    const consentShown =
      authorization.prompt.has("consent") ||
      !previously ||
      authorization.scopes.some((scope) => !previously.has(scope));
    return issueCode(authorization, account, granted, consentShown);
  };

  // --- /token --------------------------------------------------------------------------------------------------

  /** The client, from HTTP Basic (client_secret_basic) or the form (client_secret_post); an error response otherwise. */
  const authenticateClient = (request: FakeRequest, form: URLSearchParams): FakeOAuthClient | FakeResponse => {
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""));
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
      const separator = decoded.indexOf(":");
      const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
      try {
        clientId = formDecode(decoded.slice(0, separator < 0 ? undefined : separator));
        clientSecret = separator < 0 ? "" : formDecode(decoded.slice(separator + 1));
      } catch {
        return oauthError(401, "invalid_client", "Unauthorized");
      }
    }
    if (clientId === undefined)
      return oauthError(400, "invalid_request", "Could not determine client ID from request.");
    const client = clients.get(clientId);
    if (!client) return oauthError(401, "invalid_client", "The OAuth client was not found.");
    if (clientSecret === undefined || !equalStrings(clientSecret, client.clientSecret)) {
      return oauthError(401, "invalid_client", "Unauthorized");
    }
    return client;
  };

  const exchangeCode = (client: FakeOAuthClient, form: URLSearchParams): FakeResponse => {
    const code = form.get("code");
    if (!code) return oauthError(400, "invalid_request", "Missing required parameter: code");
    const stored = codes.get(code);
    if (!stored || stored.used || stored.expiresAt <= now() || stored.request.client !== client) {
      return oauthError(400, "invalid_grant", "Bad Request");
    }
    // One attempt per code, successful or not: a code that met a wrong verifier cannot be tried again.
    stored.used = true;
    if (form.get("redirect_uri") !== stored.request.redirectUri) {
      return oauthError(400, "redirect_uri_mismatch", "Bad Request");
    }
    const { codeChallenge, codeChallengeMethod } = stored.request;
    if (codeChallenge !== undefined) {
      const verifier = form.get("code_verifier");
      if (!verifier) return oauthError(400, "invalid_grant", "Missing code verifier.");
      const expected =
        codeChallengeMethod === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
      if (!pkceValue.test(verifier) || !equalStrings(expected, codeChallenge)) {
        return oauthError(400, "invalid_grant", "Invalid code verifier.");
      }
    }
    const { grant, accessToken, refreshToken } = newGrant(
      client.clientId,
      stored.account,
      stored.scopes,
      stored.issueRefreshToken,
    );
    return json(200, tokenResponse(grant, accessToken, refreshToken, stored.request.nonce));
  };

  const refresh = (client: FakeOAuthClient, form: URLSearchParams): FakeResponse => {
    const token = form.get("refresh_token");
    if (!token) return oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
    const grant = refreshTokens.get(token);
    if (!grant || grant.revoked || grant.refreshExpiresAt <= now()) {
      return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
    }
    if (grant.clientId !== client.clientId) return oauthError(401, "unauthorized_client", "Unauthorized");
    const accessToken = mintAccessToken(grant);
    let rotated: string | undefined;
    if (options.rotateRefreshTokens) {
      refreshTokens.delete(token);
      rotated = newRefreshToken(grant);
    }
    return json(200, tokenResponse(grant, accessToken, rotated));
  };

  const token = (request: FakeRequest): FakeResponse => {
    tokenRequestCount += 1;
    const fault = tokenFaults.shift();
    if (fault !== undefined) {
      return fault === 429
        ? oauthError(429, "rate_limit_exceeded", "Rate limit exceeded.")
        : oauthError(fault, "internal_failure", "Backend Error");
    }
    const form = parseForm(request);
    const client = authenticateClient(request, form);
    if (!("clientId" in client)) return client;
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") return exchangeCode(client, form);
    if (grantType === "refresh_token") return refresh(client, form);
    if (!grantType) return oauthError(400, "unsupported_grant_type", "Invalid grant_type: ");
    return oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${grantType}`);
  };

  // --- /revoke, /tokeninfo, /userinfo, discovery ---------------------------------------------------------------

  const revoke = (request: FakeRequest): FakeResponse => {
    const value = request.url.searchParams.get("token") ?? parseForm(request).get("token");
    if (!value) return oauthError(400, "invalid_request", "Bad Request");
    const grant = accessTokens.get(value)?.grant ?? refreshTokens.get(value);
    if (!grant || grant.revoked) return oauthError(400, "invalid_token", "Token expired or revoked");
    revokeGrant(grant);
    return json(200, {});
  };

  const tokenInfo = (request: FakeRequest): FakeResponse => {
    const form = request.method === "POST" ? parseForm(request) : request.url.searchParams;
    const idToken = form.get("id_token") ?? request.url.searchParams.get("id_token");
    if (idToken) {
      const claims = keys.verify(idToken);
      if (!claims || Number(claims.exp) * 1000 <= now()) {
        return oauthError(400, "invalid_token", "Invalid Value");
      }
      // Google's tokeninfo answers every claim as a string, and adds the header's alg and kid.
      const header = JSON.parse(Buffer.from(idToken.split(".")[0] as string, "base64url").toString("utf8"));
      return json(200, {
        ...Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, String(value)])),
        alg: header.alg,
        kid: header.kid,
        typ: "JWT",
      });
    }
    const accessToken = form.get("access_token") ?? request.url.searchParams.get("access_token");
    const entry = accessToken ? accessTokens.get(accessToken) : undefined;
    if (!entry || entry.grant.revoked || entry.expiresAt <= now()) {
      return oauthError(400, "invalid_token", "Invalid Value");
    }
    const { grant } = entry;
    const expiresIn = Math.floor((entry.expiresAt - now()) / 1000);
    return json(200, {
      azp: grant.clientId,
      aud: grant.clientId,
      sub: grant.account.sub,
      scope: grant.scopes.join(" "),
      exp: String(Math.floor(entry.expiresAt / 1000)),
      expires_in: String(expiresIn),
      ...(grant.scopes.includes(emailScope) ? { email: grant.account.email, email_verified: "true" } : {}),
      access_type: grant.refreshToken ? "offline" : "online",
    });
  };

  const userInfo = (request: FakeRequest): FakeResponse => {
    const grant = grantOf(request.headers.authorization);
    if (!grant) {
      return {
        ...json(401, { error: "invalid_request", error_description: "Invalid Credentials" }),
        headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      };
    }
    const [givenName, ...familyNames] = grant.account.name.split(" ");
    return json(200, {
      sub: grant.account.sub,
      ...(grant.scopes.includes(profileScope)
        ? { name: grant.account.name, given_name: givenName, family_name: familyNames.join(" ") || undefined }
        : {}),
      ...(grant.scopes.includes(emailScope) ? { email: grant.account.email, email_verified: true } : {}),
    });
  };

  const discovery = (request: FakeRequest): FakeResponse => {
    const origin = `http://${request.headers.host ?? request.url.host}`;
    return json(
      200,
      {
        issuer,
        authorization_endpoint: `${origin}/o/oauth2/v2/auth`,
        token_endpoint: `${origin}/token`,
        userinfo_endpoint: `${origin}/v1/userinfo`,
        revocation_endpoint: `${origin}/revoke`,
        jwks_uri: `${origin}/oauth2/v3/certs`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid", "email", "profile"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
        claims_supported: [
          "aud",
          "email",
          "email_verified",
          "exp",
          "family_name",
          "given_name",
          "iat",
          "iss",
          "name",
          "sub",
        ],
        code_challenge_methods_supported: ["plain", "S256"],
        grant_types_supported: ["authorization_code", "refresh_token"],
      },
      { "cache-control": "public, max-age=3600" },
    );
  };

  const jwks = (): FakeResponse => ({
    status: 200,
    json: keys.jwks(),
    headers: {
      "cache-control": `public, max-age=${jwksMaxAgeSeconds}, must-revalidate, no-transform`,
      expires: new Date(now() + jwksMaxAgeSeconds * 1000).toUTCString(),
    },
  });

  const route: FakeRoute = (request) => {
    const { pathname } = request.url;
    const method = request.method;
    if (pathname === "/o/oauth2/v2/auth" && method === "GET") return authorizationPage(request);
    if (pathname === "/o/oauth2/v2/auth/approve" && method === "POST") return approve(request);
    if (pathname === "/token" && method === "POST") return token(request);
    if (pathname === "/revoke" && (method === "POST" || method === "GET")) return revoke(request);
    if (pathname === "/oauth2/v3/certs" && method === "GET") return jwks();
    if ((pathname === "/tokeninfo" || pathname === "/oauth2/v3/tokeninfo") && (method === "GET" || method === "POST")) {
      return tokenInfo(request);
    }
    if ((pathname === "/v1/userinfo" || pathname === "/oauth2/v3/userinfo") && method === "GET") {
      return userInfo(request);
    }
    if (pathname === "/.well-known/openid-configuration" && method === "GET") return discovery(request);
    return undefined;
  };

  const controls: FakeOAuthControls = {
    tokenRequests: () => tokenRequestCount,
    issueTokens: ({ email, scopes, clientId, offline = true }) => {
      const account = accounts.get(email.trim().toLowerCase());
      if (!account) throw new Error(`No such fake Google account: ${email}`);
      const client = clientId === undefined ? [...clients.values()][0] : clients.get(clientId);
      if (!client) throw new Error(`No such OAuth client: ${clientId ?? "(none configured)"}`);
      const normalised = [...new Set(scopes.map(normaliseScope))];
      const key = consentKey(client.clientId, account.email);
      consents.set(key, new Set([...(consents.get(key) ?? []), ...normalised]));
      const { grant, accessToken, refreshToken } = newGrant(client.clientId, account, normalised, offline);
      return tokenResponse(grant, accessToken, refreshToken);
    },
    revokeAccount: (email) => {
      const normalised = email.trim().toLowerCase();
      for (const grant of grants) if (grant.account.email === normalised && !grant.revoked) revokeGrant(grant);
    },
    changePassword: (email) => {
      const normalised = email.trim().toLowerCase();
      for (const grant of grants) {
        if (grant.account.email === normalised && !grant.revoked && grant.scopes.some((s) => gmailScopes.has(s))) {
          revokeGrant(grant);
        }
      }
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
    grants: () =>
      grants.map((grant) => ({
        clientId: grant.clientId,
        email: grant.account.email,
        scopes: [...grant.scopes],
        hasRefreshToken: grant.refreshToken !== undefined,
        revoked: grant.revoked,
      })),
    rotateSigningKey: () => keys.rotate(),
  };

  return { route, authority: { grantOf, now }, keys, controls };
}

// ---------------------------------------------------------------------------------------------------------------
// Driving the consent page like a browser

/** Which account to sign in with and which of the requested scopes to leave ticked (all, when omitted). */
export type ConsentChoice = { email: string; scopes?: string[] } | "deny";

/**
 * Loads the authorization URL, fills in the consent form as a person would, submits it and returns the redirect's
 * Location without following it. Throws with the page's error when Google would show an error page.
 */
export async function driveConsent(authorizationUrl: string, choice: ConsentChoice): Promise<string> {
  const pageResponse = await fetch(authorizationUrl, { redirect: "manual" });
  const html = await pageResponse.text();
  if (pageResponse.status >= 300 && pageResponse.status < 400) {
    return pageResponse.headers.get("location") ?? "";
  }
  if (pageResponse.status !== 200) {
    const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? `HTTP ${pageResponse.status}`;
    throw new Error(`The authorization page refused the request: ${title}`);
  }
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !requestId) throw new Error("The authorization page has no consent form.");
  const form = new URLSearchParams({ request: requestId });
  if (choice === "deny") {
    form.set("decision", "deny");
  } else {
    form.set("decision", "allow");
    form.set("account", choice.email);
    const offered = [...html.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1] as string);
    const wanted = choice.scopes?.map(normaliseScope);
    for (const scope of offered) if (!wanted || wanted.includes(scope)) form.append("scope", scope);
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
    throw new Error(`The consent form was refused: ${title}`);
  }
  return location;
}
