import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createSigningKeys, type FakeSigningKeys } from "../google/oauth";
import {
  escapeHtml,
  gatewayProblem,
  htmlPage,
  identityTimestamp,
  parseForm,
  stableUuid,
  type XeroRequest,
  type XeroResponse,
  type XeroRoute,
  type XeroTenant,
} from "./xero-http";

/**
 * An app as registered in Xero's developer portal. With a secret it is a "Web app" (confidential; PKCE optional but
 * checked when sent); without one it is an "Auth code with PKCE" app (public; PKCE S256 required).
 */
export type FakeXeroClient = {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  /** The app's name on the consent page; default the client id. */
  name?: string;
  /**
   * Apps created on or after 2 March 2026 must use granular scopes: the broad `accounting.transactions` and
   * `accounting.reports.read` are refused with invalid_scope. Default true; false is an older app.
   */
  granularScopes?: boolean;
};

/** The Xero user who signs in on the consent page. */
export type FakeXeroUser = { email: string; name: string };

/** What `/connect/token` answers, as Xero's JSON. */
export type XeroTokenResponse = {
  id_token?: string;
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  refresh_token?: string;
  scope: string;
};

/** One row of `GET /connections`. */
export type XeroConnection = {
  id: string;
  authEventId: string;
  tenantId: string;
  tenantType: "ORGANISATION";
  tenantName: string;
  createdDateUtc: string;
  updatedDateUtc: string;
};

/** What a valid access token stands for. */
export type XeroAccess = { clientId: string; userId: string; scopes: readonly string[]; authEventId: string };

/** What the identity part offers the Accounting API and the webhook emitter. */
export type XeroAuthority = {
  /** The access behind `Authorization: Bearer …`, or Xero's 401 for a missing, unknown, revoked or expired token. */
  authenticate(authorization: string | undefined): { access: XeroAccess } | { refusal: XeroResponse };
  /** Whether the token's user has connected this app to the tenant (and not disconnected it since). */
  isConnected(access: XeroAccess, tenantId: string): boolean;
  /** Whether any user has this app connected to the tenant (Xero sends an app webhooks for those tenants only). */
  appConnected(clientId: string, tenantId: string): boolean;
  now(): number;
};

/**
 * What a refresh with the previous refresh token returns during its grace period (undocumented, INTEGRATIONS.md
 * §10): "new-tokens" issues a fresh pair and retires the child issued before (the stricter case, the default);
 * "same-tokens" answers the child refresh token again with a new access token.
 */
export type GraceRetryAnswer = "new-tokens" | "same-tokens";

export type FakeXeroIdentityOptions = {
  clients: FakeXeroClient[];
  tenants: XeroTenant[];
  user?: FakeXeroUser;
  /** How long the previous refresh token stays usable after a rotation; default 30 minutes. */
  graceMs?: number;
  graceRetry?: GraceRetryAnswer;
  /** A refresh token used outside its grace (or an older one) revokes its whole family: the worst case. */
  revokeFamilyOnReuse?: boolean;
  /** An unused refresh token expires after this long; default 60 days. */
  refreshTokenIdleMs?: number;
  /** The `iss` of tokens; default "https://identity.xero.com". */
  issuer?: string;
  now?: () => number;
  keys?: FakeSigningKeys;
};

/** One token family (the tokens of one consent) for the test controls. */
export type XeroGrantSummary = {
  familyId: string;
  clientId: string;
  email: string;
  scopes: string[];
  authEventId: string;
  hasRefreshToken: boolean;
  /** How many refresh tokens the family has been issued, the first included. */
  rotations: number;
  revoked: boolean;
  revokedBecause?: "reuse" | "revocation" | "control";
};

/** Where a token-endpoint fault strikes: before anything happens, or after the work was done (a lost answer). */
export type TokenFaultTiming = "before" | "after";

/** Test and demo controls of the identity part. */
export type FakeXeroIdentityControls = {
  /** How many requests reached `/connect/token`, failed ones included. */
  tokenRequests(): number;
  /** Mints tokens as if the user had consented to these tenants, skipping the consent page. */
  issueTokens(request: { tenantIds: string[]; scopes?: string[]; clientId?: string }): XeroTokenResponse;
  /** Refreshes as another client would: the family rotates and the caller's token becomes the previous one. */
  rotate(refreshToken: string): XeroTokenResponse;
  /**
   * Revokes the family holding this refresh or access token (every family when omitted) and removes the user's
   * connections to the app, as `/connect/revocation` does. Returns how many families were revoked.
   */
  revokeGrant(token?: string): number;
  /** The user disconnected the app from one organisation in Xero: that tenant answers 403 from now on. */
  disconnect(tenantId: string, clientId?: string): void;
  /** Every access token issued so far is expired from now on (refresh tokens stay valid). */
  expireAccessTokens(): void;
  /** Every refresh token is expired, as after 60 days unused. */
  expireRefreshTokens(): void;
  /** The next `count` token requests fail with this status; "after" does the work first and loses the answer. */
  failTokenEndpoint(count: number, status: number, timing?: TokenFaultTiming): void;
  /** Whether a family was ever revoked because a refresh token was reused outside its grace. */
  familyRevoked(): boolean;
  familyRevocations(): number;
  grants(): XeroGrantSummary[];
  connections(clientId?: string): XeroConnection[];
};

export type FakeXeroIdentity = { route: XeroRoute; authority: XeroAuthority; controls: FakeXeroIdentityControls };

export const xeroIssuer = "https://identity.xero.com";
const accessTokenSeconds = 1800;
const codeLifetimeMs = 5 * 60 * 1000;
const consentPageLifetimeMs = 30 * 60 * 1000;
const defaultGraceMs = 30 * 60 * 1000;
const defaultRefreshIdleMs = 60 * 24 * 60 * 60 * 1000;

const identityScopes = new Set(["openid", "profile", "email", "offline_access"]);
/** Granular scopes (apps from 2 March 2026) and the long-standing ones that stay. */
const granularScopes = new Set(
  [
    "contacts",
    "invoices",
    "payments",
    "settings",
    "banktransactions",
    "manualjournals",
    "attachments",
    "creditnotes",
    "quotes",
    "purchaseorders",
    "overpayments",
    "prepayments",
  ].flatMap((resource) => [`accounting.${resource}`, `accounting.${resource}.read`]),
);
const otherReadScopes = new Set(["accounting.journals.read", "accounting.budgets.read"]);
const broadScopes = new Set(["accounting.transactions", "accounting.transactions.read", "accounting.reports.read"]);
const isReportScope = (scope: string) => /^accounting\.reports\.[a-z]+\.read$/.test(scope);

const scopeDescriptions: Record<string, string> = {
  openid: "Sign in with your Xero user",
  profile: "View your name",
  email: "View your email address",
  offline_access: "Keep access while you are not using the app (for up to 60 days without use)",
  "accounting.contacts": "View and manage your contacts",
  "accounting.contacts.read": "View your contacts",
  "accounting.invoices": "View and manage your invoices",
  "accounting.invoices.read": "View your invoices",
  "accounting.payments": "View and manage your payments",
  "accounting.payments.read": "View your payments",
  "accounting.settings": "View and manage your organisation settings",
  "accounting.settings.read": "View your organisation settings",
};

const noStore = { "cache-control": "no-cache, no-store", pragma: "no-cache" };
const json = (status: number, body: unknown): XeroResponse => ({ status, json: body, headers: noStore });
/** IdentityServer's token errors: `{"error": "…"}` with 400, invalid_client included. */
const tokenError = (error: string) => json(400, { error });

const equalStrings = (left: string, right: string) => {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
};

const pkceValue = /^[A-Za-z0-9\-._~]{43,128}$/;

type User = { userId: string; sub: string; email: string; name: string; givenName: string; familyName: string };

type AuthorizationRequest = {
  client: FakeXeroClient;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  createdAt: number;
};

type AuthorizationCode = {
  request: AuthorizationRequest;
  authEventId: string;
  expiresAt: number;
  used: boolean;
};

type RefreshToken = {
  value: string;
  family: Family;
  expiresAt: number;
  /** When it was first exchanged for its child: the start of its grace. */
  rotatedAt: number | undefined;
};

type Family = {
  id: string;
  clientId: string;
  user: User;
  scopes: string[];
  authEventId: string;
  current: RefreshToken | undefined;
  previous: RefreshToken | undefined;
  rotations: number;
  accessTokenIds: Set<string>;
  revoked: boolean;
  revokedBecause?: XeroGrantSummary["revokedBecause"];
};

type AccessToken = { family: Family; expiresAt: number };

type Connection = {
  id: string;
  clientId: string;
  userId: string;
  tenant: XeroTenant;
  authEventId: string;
  createdAt: number;
  updatedAt: number;
};

/** The identity part of the fake Xero: authorize and consent, token, revocation, userinfo, discovery, connections. */
export function createFakeXeroIdentity(options: FakeXeroIdentityOptions): FakeXeroIdentity {
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? xeroIssuer;
  const keys = options.keys ?? createSigningKeys();
  const graceMs = options.graceMs ?? defaultGraceMs;
  const graceRetry = options.graceRetry ?? "new-tokens";
  const refreshIdleMs = options.refreshTokenIdleMs ?? defaultRefreshIdleMs;
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const tenants = new Map(options.tenants.map((tenant) => [tenant.tenantId, tenant]));
  const userInput = options.user ?? { email: "alice@example.com", name: "Alice Admin" };
  const [givenName = userInput.name, ...familyNames] = userInput.name.split(" ");
  const email = userInput.email.trim().toLowerCase();
  const user: User = {
    userId: stableUuid(`user/${email}`),
    sub: createHash("sha256").update(`xero-sub:${email}`).digest("hex").slice(0, 32),
    email,
    name: userInput.name,
    givenName,
    familyName: familyNames.join(" "),
  };

  const pendingRequests = new Map<string, AuthorizationRequest>();
  const codes = new Map<string, AuthorizationCode>();
  const families: Family[] = [];
  const refreshTokens = new Map<string, RefreshToken>();
  const accessTokens = new Map<string, AccessToken>();
  const connections: Connection[] = [];
  const tokenFaults: { status: number; timing: TokenFaultTiming }[] = [];
  let tokenRequestCount = 0;
  let reuseRevocations = 0;

  const sweep = () => {
    const current = now();
    for (const [id, pending] of pendingRequests) {
      if (pending.createdAt + consentPageLifetimeMs <= current) pendingRequests.delete(id);
    }
    for (const [code, stored] of codes) if (stored.expiresAt <= current) codes.delete(code);
  };

  // --- tokens ----------------------------------------------------------------------------------------------------

  const mintAccessToken = (family: Family) => {
    const issuedAt = Math.floor(now() / 1000);
    const jti = randomBytes(16).toString("hex").toUpperCase();
    const token = keys.sign({
      nbf: issuedAt,
      exp: issuedAt + accessTokenSeconds,
      iss: issuer,
      aud: `${issuer}/resources`,
      client_id: family.clientId,
      sub: family.user.sub,
      auth_time: issuedAt,
      xero_userid: family.user.userId,
      global_session_id: family.id,
      sid: family.id,
      jti,
      authentication_event_id: family.authEventId,
      scope: family.scopes,
      amr: ["pwd"],
    });
    accessTokens.set(jti, { family, expiresAt: now() + accessTokenSeconds * 1000 });
    family.accessTokenIds.add(jti);
    return token;
  };

  const idTokenFor = (family: Family, nonce?: string) => {
    const issuedAt = Math.floor(now() / 1000);
    const scopes = new Set(family.scopes);
    return keys.sign({
      nbf: issuedAt,
      exp: issuedAt + 300,
      iss: issuer,
      aud: family.clientId,
      iat: issuedAt,
      ...(nonce === undefined ? {} : { nonce }),
      sub: family.user.sub,
      auth_time: issuedAt,
      xero_userid: family.user.userId,
      global_session_id: family.id,
      sid: family.id,
      ...(scopes.has("email") ? { email: family.user.email, preferred_username: family.user.email } : {}),
      ...(scopes.has("profile")
        ? { given_name: family.user.givenName, family_name: family.user.familyName, name: family.user.name }
        : {}),
      amr: ["pwd"],
    });
  };

  const newRefreshToken = (family: Family) => {
    const token: RefreshToken = {
      value: randomBytes(32).toString("hex"),
      family,
      expiresAt: now() + refreshIdleMs,
      rotatedAt: undefined,
    };
    refreshTokens.set(token.value, token);
    family.rotations += 1;
    return token;
  };

  const tokenResponse = (family: Family, refreshToken: RefreshToken | undefined, nonce?: string) => {
    const response: XeroTokenResponse = {
      ...(family.scopes.includes("openid") ? { id_token: idTokenFor(family, nonce) } : {}),
      access_token: mintAccessToken(family),
      expires_in: accessTokenSeconds,
      token_type: "Bearer",
      ...(refreshToken ? { refresh_token: refreshToken.value } : {}),
      scope: family.scopes.join(" "),
    };
    return response;
  };

  const newFamily = (clientId: string, scopes: string[], authEventId: string) => {
    const family: Family = {
      id: randomUUID(),
      clientId,
      user,
      scopes,
      authEventId,
      current: undefined,
      previous: undefined,
      rotations: 0,
      accessTokenIds: new Set(),
      revoked: false,
    };
    families.push(family);
    if (scopes.includes("offline_access")) family.current = newRefreshToken(family);
    return family;
  };

  const revokeFamily = (family: Family, because: NonNullable<XeroGrantSummary["revokedBecause"]>) => {
    if (family.revoked) return;
    family.revoked = true;
    family.revokedBecause = because;
    for (const id of family.accessTokenIds) accessTokens.delete(id);
    family.accessTokenIds.clear();
    for (const [value, token] of refreshTokens) if (token.family === family) refreshTokens.delete(value);
    family.current = undefined;
    family.previous = undefined;
  };

  const removeConnections = (clientId: string, userId: string, tenantId?: string) => {
    for (let index = connections.length - 1; index >= 0; index -= 1) {
      const connection = connections[index] as Connection;
      if (connection.clientId !== clientId || connection.userId !== userId) continue;
      if (tenantId === undefined || connection.tenant.tenantId === tenantId) connections.splice(index, 1);
    }
  };

  /** Connects (or reconnects) the app to tenants under one auth event, as a completed consent does. */
  const connect = (clientId: string, tenantIds: string[], authEventId: string) => {
    for (const tenantId of tenantIds) {
      const tenant = tenants.get(tenantId);
      if (!tenant) throw new Error(`No such fake Xero tenant: ${tenantId}`);
      const existing = connections.find(
        (connection) =>
          connection.clientId === clientId && connection.userId === user.userId && connection.tenant === tenant,
      );
      if (existing) {
        existing.authEventId = authEventId;
        existing.updatedAt = now();
      } else {
        connections.push({
          id: randomUUID(),
          clientId,
          userId: user.userId,
          tenant,
          authEventId,
          createdAt: now(),
          updatedAt: now(),
        });
      }
    }
  };

  /**
   * The refresh rules: the current token rotates; the previous one is accepted within its grace (answered as
   * `graceRetry` says); anything else is invalid_grant, and revokes the family when `revokeFamilyOnReuse` is on.
   */
  const refreshWith = (value: string, clientId: string): XeroResponse => {
    // Rotated-out tokens stay known, so that a reuse can be told from a token that never existed.
    const token = refreshTokens.get(value);
    if (!token || token.family.revoked || token.family.clientId !== clientId) return tokenError("invalid_grant");
    const family = token.family;
    if (token === family.current) {
      if (token.expiresAt <= now()) return tokenError("invalid_grant");
      token.rotatedAt = now();
      family.previous = token;
      family.current = newRefreshToken(family);
      return json(200, tokenResponse(family, family.current));
    }
    const inGrace =
      token === family.previous &&
      token.rotatedAt !== undefined &&
      now() < token.rotatedAt + graceMs &&
      now() < token.expiresAt;
    if (inGrace) {
      if (graceRetry === "same-tokens") return json(200, tokenResponse(family, family.current));
      // The child issued before is retired: only the newest answer's refresh token works from now on.
      family.current = newRefreshToken(family);
      return json(200, tokenResponse(family, family.current));
    }
    if (options.revokeFamilyOnReuse) {
      reuseRevocations += 1;
      revokeFamily(family, "reuse");
    }
    return tokenError("invalid_grant");
  };

  // --- /identity/connect/authorize -------------------------------------------------------------------------------

  const errorPage = (error: string, detail: string) =>
    htmlPage(
      400,
      `Error: ${error}`,
      `<h1>Sorry, something went wrong</h1>
<p><strong>Error: ${escapeHtml(error)}</strong></p>
<p>${escapeHtml(detail)}</p>
<p class="note">This is the local fake of Xero's login and consent page.</p>`,
    );

  const redirectWith = (authorization: AuthorizationRequest, parameters: Record<string, string>): XeroResponse => {
    const location = new URL(authorization.redirectUri);
    for (const [key, value] of Object.entries(parameters)) location.searchParams.set(key, value);
    if (authorization.state !== undefined) location.searchParams.set("state", authorization.state);
    return { status: 302, headers: { location: location.toString(), "cache-control": "no-store" }, text: "" };
  };

  const needsTenant = (scopes: readonly string[]) => scopes.some((scope) => scope.startsWith("accounting."));

  const authorizationPage = (request: XeroRequest): XeroResponse => {
    sweep();
    const query = request.url.searchParams;
    const client = clients.get(query.get("client_id") ?? "");
    if (!client) return errorPage("unauthorized_client", "Unknown client or client not enabled.");
    const redirectUri = query.get("redirect_uri") ?? "";
    if (!client.redirectUris.includes(redirectUri)) {
      return errorPage("invalid_request", "Invalid redirect_uri: it is not registered for this app.");
    }
    const base: AuthorizationRequest = {
      client,
      redirectUri,
      scopes: [],
      state: query.get("state") ?? undefined,
      nonce: query.get("nonce") ?? undefined,
      codeChallenge: undefined,
      createdAt: now(),
    };
    if (query.get("response_type") !== "code") return redirectWith(base, { error: "unsupported_response_type" });
    const scopes = [...new Set((query.get("scope") ?? "").split(/\s+/).filter(Boolean))];
    if (scopes.length === 0) return redirectWith(base, { error: "invalid_scope" });
    const allowBroad = client.granularScopes === false;
    const invalid = scopes.find(
      (scope) =>
        !identityScopes.has(scope) &&
        !granularScopes.has(scope) &&
        !otherReadScopes.has(scope) &&
        !isReportScope(scope) &&
        !(allowBroad && broadScopes.has(scope)),
    );
    if (invalid) return redirectWith(base, { error: "invalid_scope" });
    const challenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? undefined;
    // Only S256: IdentityServer refuses plain unless an app allows it, and Xero's PKCE guide uses S256.
    if (challenge !== undefined && (method !== "S256" || !pkceValue.test(challenge))) {
      return redirectWith(base, { error: "invalid_request" });
    }
    if (challenge === undefined && client.clientSecret === undefined) {
      return redirectWith(base, { error: "invalid_request" });
    }
    const authorization: AuthorizationRequest = { ...base, scopes, codeChallenge: challenge };
    const requestId = randomBytes(18).toString("base64url");
    pendingRequests.set(requestId, authorization);
    return consentPage(requestId, authorization);
  };

  const consentPage = (requestId: string, authorization: AuthorizationRequest, problem?: string): XeroResponse => {
    const clientId = authorization.client.clientId;
    const connected = new Set(
      connections
        .filter((connection) => connection.clientId === clientId && connection.userId === user.userId)
        .map((connection) => connection.tenant.tenantId),
    );
    const tenantChoices = [...tenants.values()]
      .map(
        (tenant) =>
          `<label><input type="checkbox" name="tenant" value="${escapeHtml(tenant.tenantId)}"> ${escapeHtml(
            tenant.tenantName,
          )} <span class="note">(${escapeHtml(tenant.baseCurrency)}${connected.has(tenant.tenantId) ? ", already connected" : ""})</span></label>`,
      )
      .join("\n");
    const scopeList = authorization.scopes
      .map((scope) => `<li>${escapeHtml(scopeDescriptions[scope] ?? scope)} <code>${escapeHtml(scope)}</code></li>`)
      .join("\n");
    return htmlPage(
      problem ? 400 : 200,
      "Xero | Authorise app (local fake)",
      `<h1>${escapeHtml(authorization.client.name ?? clientId)} wants access to your Xero organisations</h1>
<p class="note">This is the local fake of Xero's login and consent page: you are signed in as
${escapeHtml(user.name)} &lt;${escapeHtml(user.email)}&gt; without a password. Tick the organisations to connect,
then Allow access or Cancel. You are sent back to <code>${escapeHtml(authorization.redirectUri)}</code>.</p>
${problem ? `<p><strong>${escapeHtml(problem)}</strong></p>` : ""}
<form method="post" action="/identity/connect/authorize/consent">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
${needsTenant(authorization.scopes) ? `<fieldset><legend>Organisations</legend>\n${tenantChoices}\n</fieldset>` : ""}
<fieldset><legend>The app will be able to</legend><ul>
${scopeList}
</ul></fieldset>
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>`,
    );
  };

  const approve = (request: XeroRequest): XeroResponse => {
    const form = parseForm(request);
    const requestId = form.get("request") ?? "";
    const authorization = pendingRequests.get(requestId);
    if (!authorization || authorization.createdAt + consentPageLifetimeMs <= now()) {
      return errorPage(
        "invalid_request",
        "This authorisation request is unknown or has expired; start again from the app.",
      );
    }
    if (form.get("decision") !== "allow") {
      pendingRequests.delete(requestId);
      return redirectWith(authorization, { error: "access_denied" });
    }
    const chosen = [...new Set(form.getAll("tenant"))].filter((tenantId) => tenants.has(tenantId));
    if (needsTenant(authorization.scopes) && chosen.length === 0) {
      return consentPage(requestId, authorization, "Choose at least one organisation to connect.");
    }
    pendingRequests.delete(requestId);
    const authEventId = randomUUID();
    connect(authorization.client.clientId, chosen, authEventId);
    const code = randomBytes(32).toString("hex");
    codes.set(code, { request: authorization, authEventId, expiresAt: now() + codeLifetimeMs, used: false });
    return redirectWith(authorization, {
      code,
      scope: authorization.scopes.join(" "),
      session_state: randomBytes(24).toString("base64url"),
    });
  };

  // --- /connect/token and /connect/revocation --------------------------------------------------------------------

  /** The client from HTTP Basic (what Xero documents) or the form; a public client sends only its id. */
  const authenticateClient = (request: XeroRequest, form: URLSearchParams): FakeXeroClient | XeroResponse => {
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""));
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, "base64").toString("utf8");
      const separator = decoded.indexOf(":");
      try {
        const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, " "));
        clientId = formDecode(separator < 0 ? decoded : decoded.slice(0, separator));
        clientSecret = separator < 0 ? "" : formDecode(decoded.slice(separator + 1));
      } catch {
        return tokenError("invalid_client");
      }
    }
    const client = clientId === undefined ? undefined : clients.get(clientId);
    if (!client) return tokenError("invalid_client");
    if (client.clientSecret !== undefined) {
      if (clientSecret === undefined || !equalStrings(clientSecret, client.clientSecret)) {
        return tokenError("invalid_client");
      }
    }
    return client;
  };

  const exchangeCode = (client: FakeXeroClient, form: URLSearchParams): XeroResponse => {
    const stored = codes.get(form.get("code") ?? "");
    if (!stored || stored.used || stored.expiresAt <= now() || stored.request.client !== client) {
      return tokenError("invalid_grant");
    }
    // A code gets one attempt, successful or not.
    stored.used = true;
    if (form.get("redirect_uri") !== stored.request.redirectUri) return tokenError("invalid_grant");
    if (stored.request.codeChallenge !== undefined) {
      const verifier = form.get("code_verifier") ?? "";
      const expected = createHash("sha256").update(verifier).digest("base64url");
      if (!pkceValue.test(verifier) || !equalStrings(expected, stored.request.codeChallenge)) {
        return tokenError("invalid_grant");
      }
    }
    const family = newFamily(client.clientId, stored.request.scopes, stored.authEventId);
    return json(200, tokenResponse(family, family.current, stored.request.nonce));
  };

  const token = (request: XeroRequest): XeroResponse => {
    tokenRequestCount += 1;
    const fault = tokenFaults.shift();
    const faultAnswer = (status: number): XeroResponse =>
      status === 429
        ? { status, headers: { "retry-after": "60" }, json: { error: "rate_limit_exceeded" } }
        : { status, headers: { "content-type": "text/html" }, text: `<html><body><h1>${status}</h1></body></html>` };
    if (fault?.timing === "before") return faultAnswer(fault.status);
    const answer = handleToken(request);
    return fault ? faultAnswer(fault.status) : answer;
  };

  const handleToken = (request: XeroRequest): XeroResponse => {
    const form = parseForm(request);
    const client = authenticateClient(request, form);
    if (!("clientId" in client)) return client;
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") return exchangeCode(client, form);
    if (grantType === "refresh_token") return refreshWith(form.get("refresh_token") ?? "", client.clientId);
    return tokenError("unsupported_grant_type");
  };

  const revocation = (request: XeroRequest): XeroResponse => {
    const form = parseForm(request);
    const client = authenticateClient(request, form);
    if (!("clientId" in client)) return client;
    const value = form.get("token");
    if (!value) return tokenError("invalid_request");
    const stored = refreshTokens.get(value);
    // RFC 7009: an unknown token (or an access token, which is a JWT here) is answered 200 all the same.
    if (stored && stored.family.clientId === client.clientId) {
      revokeFamily(stored.family, "revocation");
      removeConnections(client.clientId, stored.family.user.userId);
    }
    return { status: 200, headers: noStore, text: "" };
  };

  // --- access tokens, userinfo, connections ----------------------------------------------------------------------

  const unauthorized = (detail = "AuthenticationUnsuccessful", description?: string) =>
    gatewayProblem(401, "Unauthorized", detail, {
      "www-authenticate": `Bearer error="invalid_token"${description ? `, error_description="${description}"` : ""}`,
    });

  const authenticate: XeroAuthority["authenticate"] = (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    const claims = match ? keys.verify(match[1] as string) : undefined;
    const stored = claims ? accessTokens.get(String(claims.jti)) : undefined;
    if (!claims || !stored || stored.family.revoked) return { refusal: unauthorized() };
    if (stored.expiresAt <= now()) {
      const at = new Date(Math.min(stored.expiresAt, Number(claims.exp) * 1000));
      const stamp = Number.isFinite(at.getTime()) ? at.toISOString() : "an earlier time";
      return { refusal: unauthorized(`TokenExpired: token expired at ${stamp}`, `The token expired at '${stamp}'`) };
    }
    const family = stored.family;
    return {
      access: {
        clientId: family.clientId,
        userId: family.user.userId,
        scopes: family.scopes,
        authEventId: family.authEventId,
      },
    };
  };

  const connectionsOf = (clientId: string, userId: string) =>
    connections.filter((connection) => connection.clientId === clientId && connection.userId === userId);

  const connectionJson = (connection: Connection): XeroConnection => ({
    id: connection.id,
    authEventId: connection.authEventId,
    tenantId: connection.tenant.tenantId,
    tenantType: connection.tenant.tenantType,
    tenantName: connection.tenant.tenantName,
    createdDateUtc: identityTimestamp(connection.createdAt),
    updatedDateUtc: identityTimestamp(connection.updatedAt),
  });

  const connectionsRoute = (request: XeroRequest): XeroResponse => {
    const result = authenticate(request.headers.authorization);
    if ("refusal" in result) return result.refusal;
    const { clientId, userId } = result.access;
    const id = request.url.pathname.slice("/connections/".length);
    if (request.method === "DELETE") {
      const connection = connectionsOf(clientId, userId).find((candidate) => candidate.id === id);
      if (!id || !connection) return gatewayProblem(404, "Not Found", "Connection not found");
      connections.splice(connections.indexOf(connection), 1);
      return { status: 204, text: "" };
    }
    const authEventId = request.url.searchParams.get("authEventId");
    return json(
      200,
      connectionsOf(clientId, userId)
        .filter((connection) => authEventId === null || connection.authEventId === authEventId)
        .map(connectionJson),
    );
  };

  const userInfo = (request: XeroRequest): XeroResponse => {
    const result = authenticate(request.headers.authorization);
    if ("refusal" in result) return result.refusal;
    const scopes = new Set(result.access.scopes);
    return json(200, {
      sub: user.sub,
      xero_userid: user.userId,
      ...(scopes.has("email") ? { email: user.email, preferred_username: user.email } : {}),
      ...(scopes.has("profile") ? { given_name: user.givenName, family_name: user.familyName, name: user.name } : {}),
    });
  };

  const discovery = (request: XeroRequest): XeroResponse => {
    const origin = `http://${request.headers.host ?? request.url.host}`;
    return json(200, {
      issuer,
      jwks_uri: `${origin}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${origin}/identity/connect/authorize`,
      token_endpoint: `${origin}/connect/token`,
      userinfo_endpoint: `${origin}/connect/userinfo`,
      revocation_endpoint: `${origin}/connect/revocation`,
      scopes_supported: [...identityScopes, ...granularScopes],
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
  };

  /** The fake's "Settings → Connected apps" page: a person disconnects an app from an organisation here. */
  const connectedAppsPage = (request: XeroRequest): XeroResponse => {
    if (request.method === "POST") {
      const id = parseForm(request).get("connection") ?? "";
      const index = connections.findIndex((connection) => connection.id === id);
      if (index >= 0) connections.splice(index, 1);
      return { status: 303, headers: { location: "/settings/connected-apps" }, text: "" };
    }
    const rows = connections
      .map(
        (connection) => `<li><b>${escapeHtml(clients.get(connection.clientId)?.name ?? connection.clientId)}</b> →
${escapeHtml(connection.tenant.tenantName)}
<form method="post" style="display:inline"><input type="hidden" name="connection" value="${escapeHtml(connection.id)}"><button>Disconnect</button></form></li>`,
      )
      .join("\n");
    return htmlPage(
      200,
      "Connected apps (fake Xero)",
      `<h1>Connected apps</h1><ul>${rows || "<li>No app is connected to any organisation.</li>"}</ul>`,
    );
  };

  const route: XeroRoute = (request) => {
    const { pathname } = request.url;
    const method = request.method;
    if (pathname === "/identity/connect/authorize" && method === "GET") return authorizationPage(request);
    if (pathname === "/identity/connect/authorize/consent" && method === "POST") return approve(request);
    if (pathname === "/connect/token" && method === "POST") return token(request);
    if (pathname === "/connect/revocation" && method === "POST") return revocation(request);
    if (pathname === "/connect/userinfo" && method === "GET") return userInfo(request);
    if (pathname === "/.well-known/openid-configuration" && method === "GET") return discovery(request);
    if (pathname === "/.well-known/openid-configuration/jwks" && method === "GET") {
      return { status: 200, json: keys.jwks(), headers: { "cache-control": "max-age=3600, public" } };
    }
    if (pathname === "/connections" && method === "GET") return connectionsRoute(request);
    if (pathname.startsWith("/connections/") && method === "DELETE") return connectionsRoute(request);
    if (pathname === "/settings/connected-apps" && (method === "GET" || method === "POST")) {
      return connectedAppsPage(request);
    }
    return undefined;
  };

  const familyOf = (value: string) => {
    const refresh = refreshTokens.get(value)?.family;
    if (refresh) return refresh;
    const claims = keys.verify(value);
    return claims ? accessTokens.get(String(claims.jti))?.family : undefined;
  };

  const controls: FakeXeroIdentityControls = {
    tokenRequests: () => tokenRequestCount,
    issueTokens: ({ tenantIds, scopes, clientId }) => {
      const client = clientId === undefined ? [...clients.values()][0] : clients.get(clientId);
      if (!client) throw new Error(`No such Xero app: ${clientId ?? "(none configured)"}`);
      const authEventId = randomUUID();
      connect(client.clientId, tenantIds, authEventId);
      const family = newFamily(
        client.clientId,
        scopes ?? [
          "openid",
          "profile",
          "email",
          "offline_access",
          "accounting.contacts",
          "accounting.invoices",
          "accounting.payments",
          "accounting.settings.read",
        ],
        authEventId,
      );
      return tokenResponse(family, family.current);
    },
    rotate: (refreshToken) => {
      const stored = refreshTokens.get(refreshToken);
      if (!stored) throw new Error("rotate: not a live refresh token of this fake");
      const answer = refreshWith(refreshToken, stored.family.clientId);
      if (answer.status !== 200) throw new Error(`rotate: the refresh was refused (${JSON.stringify(answer.json)})`);
      return answer.json as XeroTokenResponse;
    },
    revokeGrant: (value) => {
      const targets = value === undefined ? families.filter((family) => !family.revoked) : [familyOf(value)];
      let count = 0;
      for (const family of targets) {
        if (!family || family.revoked) continue;
        revokeFamily(family, "control");
        removeConnections(family.clientId, family.user.userId);
        count += 1;
      }
      return count;
    },
    disconnect: (tenantId, clientId) => {
      for (let index = connections.length - 1; index >= 0; index -= 1) {
        const connection = connections[index] as Connection;
        if (connection.tenant.tenantId === tenantId && (clientId === undefined || connection.clientId === clientId)) {
          connections.splice(index, 1);
        }
      }
    },
    expireAccessTokens: () => {
      for (const stored of accessTokens.values()) stored.expiresAt = Number.NEGATIVE_INFINITY;
    },
    expireRefreshTokens: () => {
      for (const stored of refreshTokens.values()) stored.expiresAt = Number.NEGATIVE_INFINITY;
    },
    failTokenEndpoint: (count, status, timing = "before") => {
      for (let index = 0; index < count; index += 1) tokenFaults.push({ status, timing });
    },
    familyRevoked: () => reuseRevocations > 0,
    familyRevocations: () => reuseRevocations,
    grants: () =>
      families.map((family) => ({
        familyId: family.id,
        clientId: family.clientId,
        email: family.user.email,
        scopes: [...family.scopes],
        authEventId: family.authEventId,
        hasRefreshToken: family.scopes.includes("offline_access"),
        rotations: family.rotations,
        revoked: family.revoked,
        ...(family.revokedBecause ? { revokedBecause: family.revokedBecause } : {}),
      })),
    connections: (clientId) =>
      connections
        .filter((connection) => clientId === undefined || connection.clientId === clientId)
        .map(connectionJson),
  };

  const authority: XeroAuthority = {
    authenticate,
    isConnected: (access, tenantId) =>
      connections.some(
        (connection) =>
          connection.clientId === access.clientId &&
          connection.userId === access.userId &&
          connection.tenant.tenantId === tenantId,
      ),
    appConnected: (clientId, tenantId) =>
      connections.some((connection) => connection.clientId === clientId && connection.tenant.tenantId === tenantId),
    now,
  };

  return { route, authority, controls };
}

// ---------------------------------------------------------------------------------------------------------------
// Driving the consent page like a browser

/** Which organisations to tick on the consent page, or Cancel. */
export type XeroConsentChoice = { tenantIds: string[] } | "deny";

/**
 * Loads the authorization URL, ticks the chosen organisations as a person would, submits and returns the
 * redirect's Location without following it. Throws with the page's error when Xero would show an error page.
 */
export async function driveXeroConsent(authorizationUrl: string, choice: XeroConsentChoice): Promise<string> {
  const pageResponse = await fetch(authorizationUrl, { redirect: "manual" });
  const html = await pageResponse.text();
  if (pageResponse.status >= 300 && pageResponse.status < 400) return pageResponse.headers.get("location") ?? "";
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
    const offered = new Set([...html.matchAll(/name="tenant" value="([^"]+)"/g)].map((match) => match[1] as string));
    for (const tenantId of choice.tenantIds) {
      if (!offered.has(tenantId)) throw new Error(`The consent page offers no organisation ${tenantId}.`);
      form.append("tenant", tenantId);
    }
  }
  const submitted = await fetch(new URL(action, authorizationUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = submitted.headers.get("location");
  if (submitted.status !== 302 || !location) {
    const text = await submitted.text();
    const problem = /<p><strong>([^<]*)<\/strong><\/p>/.exec(text)?.[1] ?? `HTTP ${submitted.status}`;
    throw new Error(`The consent form was refused: ${problem}`);
  }
  return location;
}
