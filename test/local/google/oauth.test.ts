import { createHash, randomBytes } from "node:crypto";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { JwtRsaVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const client = {
  clientId: "crm-test.apps.googleusercontent.com",
  clientSecret: "fake-test-secret",
  redirectUris: ["http://127.0.0.1:9/oauth/google/callback"],
};
const redirectUri = client.redirectUris[0] as string;
const gmailMetadata = "https://www.googleapis.com/auth/gmail.metadata";
const calendarReadonly = "https://www.googleapis.com/auth/calendar.readonly";

let clock = Date.now();
let google: FakeGoogle;

beforeAll(async () => {
  google = await startFakeGoogle({ clients: [client], now: () => clock });
});
afterAll(() => google.close());

function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizationUrl(parameters: Record<string, string> = {}) {
  const url = new URL("/o/oauth2/v2/auth", google.url);
  const defaults = {
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: `openid email ${gmailMetadata}`,
    state: "tenant-1.nonce-abc",
    access_type: "offline",
    prompt: "consent",
  };
  for (const [key, value] of Object.entries({ ...defaults, ...parameters })) url.searchParams.set(key, value);
  return url.toString();
}

async function postToken(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${google.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const exchange = (code: string, verifier: string | undefined, overrides: Record<string, string> = {}) =>
  postToken({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
    ...overrides,
  });

const refresh = (refreshToken: string) =>
  postToken({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });

/** Consents as alice to an S256 request and returns the callback's parameters and the verifier. */
async function authorize(parameters: Record<string, string> = {}, email = "alice@example.com", scopes?: string[]) {
  const { verifier, challenge } = pkcePair();
  const location = await google.consent(
    authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256", ...parameters }),
    { email, scopes },
  );
  return { callback: new URL(location), verifier };
}

describe("the fake Google's OAuth 2.0 authorization code flow", () => {
  it("completes the PKCE S256 flow: consent page, callback with code and state, tokens for the granted scopes", async () => {
    const { verifier, challenge } = pkcePair();
    const url = authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("alice@example.com");
    expect(html).toContain(`value="${gmailMetadata}" checked`);
    expect(html).toMatch(/value="allow"[\s\S]*value="deny"/);

    const callback = new URL(await google.consent(url, { email: "alice@example.com" }));
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get("state")).toBe("tenant-1.nonce-abc");
    const code = callback.searchParams.get("code") as string;
    expect(code).toBeTruthy();
    expect(callback.searchParams.get("scope")?.split(" ").sort()).toEqual(
      ["openid", "https://www.googleapis.com/auth/userinfo.email", gmailMetadata].sort(),
    );

    const { status, body } = await exchange(code, verifier);
    expect(status).toBe(200);
    expect(body).toMatchObject({ expires_in: 3599, token_type: "Bearer" });
    expect(typeof body.access_token).toBe("string");
    expect(typeof body.refresh_token).toBe("string");
    expect(typeof body.id_token).toBe("string");
    expect(String(body.scope).split(" ")).toContain(gmailMetadata);
    expect(google.authority.grantOf(`Bearer ${body.access_token}`)).toMatchObject({
      account: { email: "alice@example.com" },
      clientId: client.clientId,
    });
  });

  it("refuses a code used twice with invalid_grant", async () => {
    const { callback, verifier } = await authorize();
    const code = callback.searchParams.get("code") as string;
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(await exchange(code, verifier)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Bad Request" },
    });
  });

  it("refuses a wrong or missing PKCE verifier with invalid_grant", async () => {
    const first = await authorize();
    const wrong = await exchange(first.callback.searchParams.get("code") as string, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    const second = await authorize();
    const missing = await exchange(second.callback.searchParams.get("code") as string, undefined);
    expect(missing.body.error).toBe("invalid_grant");
  });

  it("refuses a code after its 10 minutes", async () => {
    const { callback, verifier } = await authorize();
    clock += 10 * 60 * 1000 + 1;
    try {
      const { status, body } = await exchange(callback.searchParams.get("code") as string, verifier);
      expect(status).toBe(400);
      expect(body).toEqual({ error: "invalid_grant", error_description: "Bad Request" });
    } finally {
      clock -= 10 * 60 * 1000 + 1;
    }
  });

  it("refuses an unknown client or a wrong secret with 401 invalid_client; accepts HTTP Basic", async () => {
    const { callback, verifier } = await authorize();
    const code = callback.searchParams.get("code") as string;
    const wrongSecret = await exchange(code, verifier, { client_secret: "not-the-secret" });
    expect(wrongSecret).toEqual({ status: 401, body: { error: "invalid_client", error_description: "Unauthorized" } });
    const unknown = await exchange(code, verifier, { client_id: "someone-else.apps.googleusercontent.com" });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_client");

    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64");
    const { status } = await postToken(
      { grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier },
      { authorization: `Basic ${basic}` },
    );
    expect(status).toBe(200);
  });

  it("refuses a redirect_uri at the token endpoint that differs from the authorization request's", async () => {
    const { callback, verifier } = await authorize();
    const { status, body } = await exchange(callback.searchParams.get("code") as string, verifier, {
      redirect_uri: "http://127.0.0.1:9/elsewhere",
    });
    expect(status).toBe(400);
    expect(body.error).toBe("redirect_uri_mismatch");
  });

  it("returns only the scopes the user left ticked", async () => {
    const { callback, verifier } = await authorize(
      { scope: `openid email ${gmailMetadata} ${calendarReadonly}` },
      "bob@example.com",
      [calendarReadonly],
    );
    const granted = callback.searchParams.get("scope")?.split(" ") ?? [];
    expect(granted).toContain(calendarReadonly);
    expect(granted).not.toContain(gmailMetadata);
    const { body } = await exchange(callback.searchParams.get("code") as string, verifier);
    expect(String(body.scope).split(" ")).not.toContain(gmailMetadata);
    expect(String(body.scope).split(" ")).toContain(calendarReadonly);
  });

  it("sends the user back with error=access_denied and the state when they deny", async () => {
    const location = new URL(await google.consent(authorizationUrl(), "deny"));
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("tenant-1.nonce-abc");
    expect(location.searchParams.has("code")).toBe(false);
  });

  it("shows an error page, without redirecting, for an unknown client or an unregistered redirect_uri", async () => {
    for (const parameters of [
      { client_id: "unknown.apps.googleusercontent.com" },
      { redirect_uri: "https://evil.example/cb" },
    ] as Record<string, string>[]) {
      const response = await fetch(authorizationUrl(parameters), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("content-type")).toContain("text/html");
    }
    const mismatch = await (await fetch(authorizationUrl({ redirect_uri: "https://evil.example/cb" }))).text();
    expect(mismatch).toContain("redirect_uri_mismatch");
  });

  it("gives a refresh token only for offline access with consent shown: the first time, or with prompt=consent", async () => {
    const email = "victor@example.com";
    const first = await authorize({ prompt: "" }, email);
    expect(
      (await exchange(first.callback.searchParams.get("code") as string, first.verifier)).body.refresh_token,
    ).toBeTypeOf("string");
    const again = await authorize({ prompt: "" }, email);
    const withoutConsent = await exchange(again.callback.searchParams.get("code") as string, again.verifier);
    expect(withoutConsent.status).toBe(200);
    expect(withoutConsent.body).not.toHaveProperty("refresh_token");
    const forced = await authorize({ prompt: "consent" }, email);
    expect(
      (await exchange(forced.callback.searchParams.get("code") as string, forced.verifier)).body.refresh_token,
    ).toBeTypeOf("string");
    const online = await authorize({ prompt: "consent", access_type: "online" }, email);
    expect(
      (await exchange(online.callback.searchParams.get("code") as string, online.verifier)).body,
    ).not.toHaveProperty("refresh_token");
  });
});

describe("the fake Google's remembered consent", () => {
  it("adds the earlier grants' scopes with include_granted_scopes=true", async () => {
    const fake = await startFakeGoogle({
      clients: [client],
      accounts: [{ email: "ina@example.com", name: "Ina Cremental" }],
    });
    try {
      const consentTo = async (scope: string, extra: Record<string, string> = {}) => {
        const url = new URL("/o/oauth2/v2/auth", fake.url);
        url.search = new URLSearchParams({
          client_id: client.clientId,
          redirect_uri: redirectUri,
          response_type: "code",
          scope,
          access_type: "offline",
          ...extra,
        }).toString();
        return new URL(await fake.consent(url.toString(), { email: "ina@example.com" }));
      };
      await consentTo(`openid ${calendarReadonly}`);
      const incremental = await consentTo(`openid ${gmailMetadata}`, { include_granted_scopes: "true" });
      expect(incremental.searchParams.get("scope")?.split(" ").sort()).toEqual(
        ["openid", calendarReadonly, gmailMetadata].sort(),
      );
      const silent = await consentTo(`openid ${gmailMetadata}`, { prompt: "none", login_hint: "ina@example.com" });
      expect(silent.searchParams.get("code")).toBeTruthy();
      const nobody = await consentTo("openid", { prompt: "none" });
      expect(nobody.searchParams.get("error")).toBe("interaction_required");
    } finally {
      await fake.close();
    }
  });
});

describe("the fake Google's refresh tokens, revocation and ID tokens", () => {
  async function tokensFor(email = "alice@example.com") {
    const { callback, verifier } = await authorize({}, email);
    return (await exchange(callback.searchParams.get("code") as string, verifier)).body;
  }

  it("refreshes without rotating: no new refresh token, and the old one keeps working", async () => {
    const tokens = await tokensFor();
    const first = await refresh(tokens.refresh_token as string);
    expect(first.status).toBe(200);
    expect(first.body).not.toHaveProperty("refresh_token");
    expect(first.body).toMatchObject({ expires_in: 3599, token_type: "Bearer", scope: tokens.scope });
    expect(first.body.access_token).not.toBe(tokens.access_token);
    expect((await refresh(tokens.refresh_token as string)).status).toBe(200);
  });

  it("rotates refresh tokens when asked to, retiring the previous one", async () => {
    const rotating = await startFakeGoogle({ clients: [client], rotateRefreshTokens: true });
    try {
      const issued = rotating.oauth.issueTokens({ email: "alice@example.com", scopes: [gmailMetadata] });
      const form = (refreshToken: string) =>
        fetch(`${rotating.url}/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: refreshToken,
            client_id: client.clientId,
            client_secret: client.clientSecret,
          }),
        });
      const rotated = (await (await form(issued.refresh_token as string)).json()) as Record<string, unknown>;
      expect(rotated.refresh_token).toBeTypeOf("string");
      expect(rotated.refresh_token).not.toBe(issued.refresh_token);
      expect((await form(issued.refresh_token as string)).status).toBe(400);
      expect((await form(rotated.refresh_token as string)).status).toBe(200);
    } finally {
      await rotating.close();
    }
  });

  it("revoking the access token revokes the grant: refresh is invalid_grant and the access token stops working", async () => {
    const tokens = await tokensFor();
    const revoked = await fetch(`${google.url}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.access_token as string }),
    });
    expect(revoked.status).toBe(200);
    expect(await refresh(tokens.refresh_token as string)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
    });
    expect(google.authority.grantOf(`Bearer ${tokens.access_token}`)).toBeUndefined();
    const userinfo = await fetch(`${google.url}/oauth2/v3/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
    const again = await fetch(`${google.url}/revoke?token=${encodeURIComponent(tokens.refresh_token as string)}`, {
      method: "POST",
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_token" });
  });

  it("revokes every grant of an account that removed the app", async () => {
    const tokens = await tokensFor("bob@example.com");
    google.oauth.revokeAccount("bob@example.com");
    expect((await refresh(tokens.refresh_token as string)).body.error).toBe("invalid_grant");
  });

  it("issues ID tokens that aws-jwt-verify's JwtRsaVerifier accepts with the keys from the JWKS endpoint", async () => {
    const tokens = await tokensFor();
    // aws-jwt-verify fetches over https only; this fetcher reads the fake's JWKS over plain http instead.
    const jwksCache = new SimpleJwksCache({
      fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
    });
    const verifier = JwtRsaVerifier.create(
      { issuer: "https://accounts.google.com", audience: client.clientId, jwksUri: google.jwksUrl },
      { jwksCache },
    );
    const claims = await verifier.verify(tokens.id_token as string);
    expect(claims).toMatchObject({
      iss: "https://accounts.google.com",
      aud: client.clientId,
      azp: client.clientId,
      email: "alice@example.com",
      email_verified: true,
    });
    expect(claims.sub).toMatch(/^\d{21}$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    const header = JSON.parse(Buffer.from((tokens.id_token as string).split(".")[0] as string, "base64url").toString());
    expect(header).toMatchObject({ alg: "RS256", kid: expect.any(String) });

    const jwks = await fetch(google.jwksUrl);
    expect(jwks.headers.get("cache-control")).toMatch(/max-age=\d+/);
    expect(((await jwks.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toContain(header.kid);
  });

  it("answers tokeninfo for a live access token and refuses an expired one", async () => {
    const tokens = await tokensFor();
    const live = await fetch(`${google.url}/tokeninfo?access_token=${tokens.access_token}`);
    expect(await live.json()).toMatchObject({
      aud: client.clientId,
      email: "alice@example.com",
      access_type: "offline",
    });
    google.oauth.expireAccessTokens();
    expect((await fetch(`${google.url}/tokeninfo?access_token=${tokens.access_token}`)).status).toBe(400);
    expect((await refresh(tokens.refresh_token as string)).status).toBe(200);
  });

  it("fails the token endpoint on demand and counts token requests", async () => {
    const before = google.oauth.tokenRequests();
    google.oauth.failTokenEndpoint(1, 503);
    const tokens = google.oauth.issueTokens({ email: "alice@example.com", scopes: [gmailMetadata] });
    expect((await refresh(tokens.refresh_token as string)).status).toBe(503);
    expect((await refresh(tokens.refresh_token as string)).status).toBe(200);
    expect(google.oauth.tokenRequests()).toBe(before + 2);
  });
});

describe("the fake Google's one origin", () => {
  it("serves discovery, Gmail and Calendar beside the OAuth endpoints, so base URLs are the only difference", async () => {
    const discovery = (await (await fetch(`${google.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).toMatchObject({
      issuer: "https://accounts.google.com",
      token_endpoint: `${google.url}/token`,
      jwks_uri: google.jwksUrl,
      code_challenge_methods_supported: ["plain", "S256"],
    });
    const { access_token: accessToken } = google.oauth.issueTokens({
      email: "alice@example.com",
      scopes: [gmailMetadata, calendarReadonly],
    });
    const headers = { authorization: `Bearer ${accessToken}` };
    expect((await fetch(`${google.url}/gmail/v1/users/me/profile`, { headers })).status).toBe(200);
    const events = await fetch(`${google.url}/calendar/v3/calendars/primary/events`, { headers });
    expect(events.status).toBe(200);
    expect(((await events.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    expect((await fetch(`${google.url}/no/such/path`)).status).toBe(404);
  });
});

describe("the fake Google's refusals, in Google's words", () => {
  it.each([
    ["a response type other than code", { response_type: "token" }, "unsupported_response_type"],
    ["no scope", { scope: "" }, "invalid_request"],
    ["a scope of no Google API", { scope: "openid https://example.com/auth/everything" }, "invalid_scope"],
    ["an unknown access type", { access_type: "forever" }, "invalid_request"],
    ["an unknown prompt", { prompt: "always" }, "invalid_request"],
    ["prompt=none with another prompt", { prompt: "none consent" }, "invalid_request"],
    ["a challenge method without a challenge", { code_challenge_method: "S256" }, "invalid_request"],
    [
      "an unknown challenge method",
      { code_challenge: pkcePair().challenge, code_challenge_method: "S512" },
      "invalid_request",
    ],
    ["a malformed challenge", { code_challenge: "short", code_challenge_method: "S256" }, "invalid_request"],
  ])("shows an error page, without redirecting, for %s", async (_, parameters, error) => {
    const response = await fetch(authorizationUrl(parameters), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`Error 400: ${error}`);
  });

  it("refuses a token request without a grant type or with one it does not know", async () => {
    const credentials = { client_id: client.clientId, client_secret: client.clientSecret };
    expect(await postToken(credentials)).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    expect(await postToken({ ...credentials, grant_type: "password" })).toMatchObject({
      status: 400,
      body: { error: "unsupported_grant_type", error_description: "Invalid grant_type: password" },
    });
  });

  it("refuses to revoke without a token or a token it never issued, and to describe one", async () => {
    const revoke = async (query: string) => {
      const response = await fetch(`${google.url}/revoke${query}`, { method: "POST" });
      return { status: response.status, body: await response.json() };
    };
    expect(await revoke("")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await revoke("?token=never-issued")).toMatchObject({ status: 400, body: { error: "invalid_token" } });
    for (const query of ["?id_token=not.a.jwt", "?access_token=never-issued", ""]) {
      const info = await fetch(`${google.url}/tokeninfo${query}`);
      expect(info.status, query).toBe(400);
      expect(await info.json()).toMatchObject({ error: "invalid_token" });
    }
  });

  it("answers user info only to a live access token, with WWW-Authenticate otherwise", async () => {
    const anonymous = await fetch(`${google.url}/oauth2/v3/userinfo`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const unknown = await fetch(`${google.url}/v1/userinfo`, { headers: { authorization: "Bearer never-issued" } });
    expect(unknown.status).toBe(401);
  });
});
