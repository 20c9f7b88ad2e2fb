import { createHash, randomBytes } from "node:crypto";
import {
  demoRealmIds,
  type FakeIntuit,
  type FakeIntuitOptions,
  intuitProductionEndpoints,
  startFakeIntuit,
} from "@crm/local/intuit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const client = {
  clientId: "ABcrmTestClientId0123456789",
  clientSecret: "fake-intuit-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/quickbooks/callback"],
};
const redirectUri = client.redirectUris[0] as string;
const realmId = demoRealmIds.northwind;
const basic = (id = client.clientId, secret = client.clientSecret) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const hour = 3600_000;

let clock = Date.UTC(2026, 10, 19, 17, 0, 0);
const now = () => clock;

function authorizationUrl(fake: FakeIntuit, parameters: Record<string, string | undefined> = {}) {
  const url = new URL("/connect/oauth2", fake.url);
  const defaults = {
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "com.intuit.quickbooks.accounting",
    state: "org-1.nonce-abc",
  };
  for (const [key, value] of Object.entries({ ...defaults, ...parameters })) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** A token request as the CRM makes it: HTTP Basic client auth, form body, JSON back. */
async function postToken(
  fake: FakeIntuit,
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: basic() },
) {
  const response = await fetch(`${fake.url}/oauth2/v1/tokens/bearer`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const exchange = (fake: FakeIntuit, code: string, extra: Record<string, string> = {}) =>
  postToken(fake, { grant_type: "authorization_code", code, redirect_uri: redirectUri, ...extra });
const refresh = (fake: FakeIntuit, refreshToken: string) =>
  postToken(fake, { grant_type: "refresh_token", refresh_token: refreshToken });

/** Connects the company through the consent page and returns the callback's parameters. */
async function connect(fake: FakeIntuit, parameters: Record<string, string> = {}, realm: string = realmId) {
  return new URL(await fake.consent(authorizationUrl(fake, parameters), { realmId: realm })).searchParams;
}

/** Connects and exchanges the code: the first token response. */
async function connectAndExchange(fake: FakeIntuit) {
  const callback = await connect(fake);
  const { status, body } = await exchange(fake, callback.get("code") as string);
  expect(status).toBe(200);
  return body as { access_token: string; refresh_token: string };
}

/** Whether an access token still opens the Accounting API (company info, as the CRM reads after connecting). */
async function apiStatus(fake: FakeIntuit, accessToken: string) {
  const response = await fetch(`${fake.url}/v3/company/${realmId}/companyinfo/${realmId}?minorversion=75`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Starts a fake for one describe block and stops it afterwards, also when a test fails. */
function useFake(options: Partial<FakeIntuitOptions> = {}) {
  const holder = {} as { fake: FakeIntuit };
  beforeAll(async () => {
    holder.fake = await startFakeIntuit({ clients: [client], now, ...options });
  });
  afterAll(() => holder.fake?.close());
  return holder;
}

describe("the fake Intuit's connect page and authorization code exchange", () => {
  const context = useFake();

  it("serves Intuit's own paths on one origin, so the base URLs are the only difference", () => {
    const { fake } = context;
    const pathOf = (url: string) => new URL(url).pathname.replace(/\/$/, "");
    for (const [name, url] of Object.entries(fake.endpoints)) {
      expect(url.startsWith(fake.url), name).toBe(true);
      expect(pathOf(url), name).toBe(pathOf(intuitProductionEndpoints[name as keyof typeof fake.endpoints]));
    }
  });

  it("shows a connect page with the seeded companies, then redirects with code, state and realmId", async () => {
    const { fake } = context;
    const page = await fetch(authorizationUrl(fake));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("Northwind Traders");
    expect(html).toContain(`value="${demoRealmIds.northwindEurope}"`);
    expect(html).toMatch(/value="connect"[\s\S]*value="cancel"/);

    const callback = new URL(await fake.consent(authorizationUrl(fake), { realmId: demoRealmIds.northwindEurope }));
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    expect(callback.searchParams.get("state")).toBe("org-1.nonce-abc");
    expect(callback.searchParams.get("realmId")).toBe(demoRealmIds.northwindEurope);
    expect(callback.searchParams.get("code")).toMatch(/^AB11/);
  });

  it("exchanges the code for Intuit's token fields: bearer, 3600 s, a refresh token good for 8,726,400 s", async () => {
    const { fake } = context;
    const callback = await connect(fake);
    const { status, headers, body } = await exchange(fake, callback.get("code") as string);
    expect(status).toBe(200);
    expect(headers.get("intuit_tid")).toBeTruthy();
    expect(body).toEqual({
      token_type: "bearer",
      access_token: expect.any(String),
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^AB11/),
      x_refresh_token_expires_in: 8_726_400,
    });
    expect(await apiStatus(fake, body.access_token as string)).toBe(200);
    expect(fake.authority.grantOf(`Bearer ${body.access_token}`)).toEqual({
      realmId,
      clientId: client.clientId,
      scopes: ["com.intuit.quickbooks.accounting"],
    });
  });

  it("adds an id_token for openid, and x_refresh_token_hard_expires_in only when asked for it", async () => {
    const { fake } = context;
    const callback = await connect(fake, { scope: "com.intuit.quickbooks.accounting openid email" });
    const { body } = await postToken(
      fake,
      { grant_type: "authorization_code", code: callback.get("code") as string, redirect_uri: redirectUri },
      { authorization: basic(), "x-include-refresh-token-hard-expires-in": "true" },
    );
    expect(String(body.id_token).split(".")).toHaveLength(3);
    expect(body.x_refresh_token_hard_expires_in).toBe(5 * 365 * 24 * 3600);
    const claims = JSON.parse(Buffer.from(String(body.id_token).split(".")[1] as string, "base64url").toString());
    expect(claims).toMatchObject({
      iss: "https://oauth.platform.intuit.com/op/v1",
      aud: [client.clientId],
      realmid: realmId,
    });
  });

  it("sends the user back with error=access_denied and the state on Cancel", async () => {
    const { fake } = context;
    const location = new URL(await fake.consent(authorizationUrl(fake), "deny"));
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("org-1.nonce-abc");
    expect(location.searchParams.has("code")).toBe(false);
  });

  it("shows an error page, without redirecting, for an unknown client, an unregistered redirect_uri or no state", async () => {
    const { fake } = context;
    for (const parameters of [
      { client_id: "unknown-client" },
      { redirect_uri: "https://evil.example/cb" },
      { state: undefined },
      { scope: "com.intuit.quickbooks.everything" },
    ]) {
      const response = await fetch(authorizationUrl(fake, parameters), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      await response.arrayBuffer();
    }
  });

  it("takes client credentials only as HTTP Basic: form credentials, a wrong secret or none get 401 invalid_client", async () => {
    const { fake } = context;
    const code = (await connect(fake)).get("code") as string;
    const form = { grant_type: "authorization_code", code, redirect_uri: redirectUri };
    const inForm = await postToken(
      fake,
      { ...form, client_id: client.clientId, client_secret: client.clientSecret },
      {},
    );
    expect(inForm).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await postToken(fake, form, { authorization: basic(client.clientId, "wrong") })).status).toBe(401);
    expect((await postToken(fake, form, { authorization: basic("someone-else") })).status).toBe(401);
    // The code was not spent by the refused requests.
    expect((await postToken(fake, form)).status).toBe(200);
  });

  it("refuses a reused code with invalid_grant and revokes the tokens the first exchange issued", async () => {
    const { fake } = context;
    const code = (await connect(fake)).get("code") as string;
    const first = await exchange(fake, code);
    expect(first.status).toBe(200);
    const second = await exchange(fake, code);
    expect(second).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await apiStatus(fake, first.body.access_token as string)).toBe(401);
    expect((await refresh(fake, first.body.refresh_token as string)).body).toEqual({ error: "invalid_grant" });
    expect(fake.oauth.grants().at(-1)?.revoked).toBe("authorization-code-reuse");
  });

  it("refuses a code after its 5 minutes, and one sent with another redirect_uri", async () => {
    const { fake } = context;
    const late = (await connect(fake)).get("code") as string;
    clock += 5 * 60 * 1000 + 1;
    try {
      expect((await exchange(fake, late)).body).toEqual({ error: "invalid_grant" });
    } finally {
      clock -= 5 * 60 * 1000 + 1;
    }
    const elsewhere = (await connect(fake)).get("code") as string;
    const mismatch = await exchange(fake, elsewhere, { redirect_uri: "http://127.0.0.1:9/elsewhere" });
    expect(mismatch).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("records whether PKCE was sent, and checks the verifier when it was", async () => {
    const { fake } = context;
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const pkce = { code_challenge: challenge, code_challenge_method: "S256" };
    expect(fake.oauth.authorizations().at(-1)?.pkce).toBe(false);
    const wrong = (await connect(fake, pkce)).get("code") as string;
    expect(fake.oauth.authorizations().at(-1)).toMatchObject({ pkce: true, codeChallengeMethod: "S256" });
    expect((await exchange(fake, wrong, { code_verifier: randomBytes(32).toString("base64url") })).status).toBe(400);
    const right = (await connect(fake, pkce)).get("code") as string;
    expect((await exchange(fake, right, { code_verifier: verifier })).status).toBe(200);
    expect(fake.oauth.grants().at(-1)?.pkce).toBe(true);
  });
});

describe("the fake Intuit's refresh-token rotation, by default after 24 hours", () => {
  const context = useFake();

  it("returns the same refresh token within 24 hours, a new one after; the superseded one then fails", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    clock += hour;
    const sameDay = await refresh(fake, first.refresh_token);
    expect(sameDay.status).toBe(200);
    expect(sameDay.body.refresh_token).toBe(first.refresh_token);
    expect(sameDay.body.access_token).not.toBe(first.access_token);

    clock += 24 * hour;
    const nextDay = await refresh(fake, first.refresh_token);
    expect(nextDay.status).toBe(200);
    expect(nextDay.body.refresh_token).not.toBe(first.refresh_token);
    expect(nextDay.body.x_refresh_token_expires_in).toBe(8_726_400);

    expect(await refresh(fake, first.refresh_token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(fake.oauth.supersededReplays()).toBe(1);
    // Without family revocation the newest token still works, and so do access tokens issued before.
    expect((await refresh(fake, nextDay.body.refresh_token as string)).status).toBe(200);
    expect(await apiStatus(fake, nextDay.body.access_token as string)).toBe(200);
    expect(fake.oauth.familyRevoked()).toBe(false);
  });

  it("rotates the next refresh on demand (rotateNextRefresh)", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    fake.oauth.rotateNextRefresh();
    const rotated = await refresh(fake, first.refresh_token);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    const again = await refresh(fake, rotated.body.refresh_token as string);
    expect(again.body.refresh_token).toBe(rotated.body.refresh_token);
  });

  it("lets a refresh token lapse after 101 days unused", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    clock += 8_726_400 * 1000;
    try {
      expect((await refresh(fake, first.refresh_token)).body).toEqual({ error: "invalid_grant" });
    } finally {
      clock -= 8_726_400 * 1000;
    }
  });
});

describe("the fake Intuit rotating on every refresh", () => {
  const context = useFake({ rotation: "every-refresh" });

  it("returns a new refresh token on each refresh; the superseded one fails at once with invalid_grant", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    const second = await refresh(fake, first.refresh_token);
    const third = await refresh(fake, second.body.refresh_token as string);
    expect(new Set([first.refresh_token, second.body.refresh_token, third.body.refresh_token]).size).toBe(3);
    expect(await refresh(fake, second.body.refresh_token as string)).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
    expect(fake.oauth.tokenRequestLog().at(-1)).toMatchObject({ status: 400, reason: "superseded refresh token" });
  });

  it("processes a refresh whose response is lost: the retry with the old token fails, the new one was issued", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    fake.oauth.loseTokenResponses(1);
    await expect(refresh(fake, first.refresh_token)).rejects.toThrow();
    expect((await refresh(fake, first.refresh_token)).body).toEqual({ error: "invalid_grant" });
    expect(fake.oauth.grants().at(-1)?.rotations).toBe(1);
  });
});

describe("the fake Intuit with an overlap for superseded refresh tokens", () => {
  const context = useFake({ rotation: "every-refresh", supersededGraceMs: 60_000 });

  it("accepts the superseded token within the overlap, answering with the current one; refuses it afterwards", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    const rotated = await refresh(fake, first.refresh_token);
    clock += 30_000;
    const inOverlap = await refresh(fake, first.refresh_token);
    expect(inOverlap.status).toBe(200);
    expect(inOverlap.body.refresh_token).toBe(rotated.body.refresh_token);
    clock += 30_000;
    expect((await refresh(fake, first.refresh_token)).body).toEqual({ error: "invalid_grant" });
  });
});

describe("the fake Intuit revoking the whole token family on reuse", () => {
  const context = useFake({ rotation: "every-refresh", revokeFamilyOnReuse: true });

  it("replaying a superseded refresh token revokes every token of the grant", async () => {
    const { fake } = context;
    const first = await connectAndExchange(fake);
    const current = await refresh(fake, first.refresh_token);
    expect(fake.oauth.familyRevoked()).toBe(false);
    expect((await refresh(fake, first.refresh_token)).body).toEqual({ error: "invalid_grant" });
    expect(fake.oauth.familyRevoked()).toBe(true);
    expect((await refresh(fake, current.body.refresh_token as string)).body).toEqual({ error: "invalid_grant" });
    expect(await apiStatus(fake, current.body.access_token as string)).toBe(401);
    expect(fake.oauth.grants().at(-1)?.revoked).toBe("refresh-token-reuse");
    expect(fake.authority.isConnected(realmId)).toBe(false);
  });
});

describe("the fake Intuit's revocation and token-endpoint controls", () => {
  const context = useFake({ rotation: "never" });

  const revoke = (fake: FakeIntuit, token: string, json = false) =>
    fetch(`${fake.url}/v2/oauth2/tokens/revoke`, {
      method: "POST",
      headers: {
        authorization: basic(),
        accept: "application/json",
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
      },
      body: json ? JSON.stringify({ token }) : new URLSearchParams({ token }).toString(),
    });

  it("revokes the grant with token= (form or JSON): its refresh and access tokens stop working", async () => {
    const { fake } = context;
    const byRefresh = await connectAndExchange(fake);
    expect((await revoke(fake, byRefresh.refresh_token)).status).toBe(200);
    expect((await refresh(fake, byRefresh.refresh_token)).body).toEqual({ error: "invalid_grant" });
    expect(await apiStatus(fake, byRefresh.access_token)).toBe(401);

    const byAccess = await connectAndExchange(fake);
    expect((await revoke(fake, byAccess.access_token, true)).status).toBe(200);
    expect((await refresh(fake, byAccess.refresh_token)).status).toBe(400);
    // RFC 7009: an unknown token is not an error.
    expect((await revoke(fake, "AB11unknown")).status).toBe(200);
  });

  it("revokeRealm disconnects the company; expireAccessTokens leaves the refresh token usable", async () => {
    const { fake } = context;
    const tokens = await connectAndExchange(fake);
    fake.oauth.expireAccessTokens();
    expect(await apiStatus(fake, tokens.access_token)).toBe(401);
    const refreshed = await refresh(fake, tokens.refresh_token);
    expect(await apiStatus(fake, refreshed.body.access_token as string)).toBe(200);
    fake.oauth.revokeRealm(realmId);
    expect((await refresh(fake, tokens.refresh_token)).body).toEqual({ error: "invalid_grant" });
    expect(fake.authority.isConnected(realmId)).toBe(false);
  });

  it("fails the token endpoint N times on demand, counting every request", async () => {
    const { fake } = context;
    const tokens = await connectAndExchange(fake);
    const before = fake.oauth.tokenRequests();
    fake.oauth.failTokenEndpoint(2, 503);
    expect((await refresh(fake, tokens.refresh_token)).status).toBe(503);
    expect((await refresh(fake, tokens.refresh_token)).status).toBe(503);
    expect((await refresh(fake, tokens.refresh_token)).status).toBe(200);
    expect(fake.oauth.tokenRequests() - before).toBe(3);
  });

  it("refuses an unknown grant_type and an unknown refresh token", async () => {
    const { fake } = context;
    expect((await postToken(fake, { grant_type: "client_credentials" })).body).toEqual({
      error: "unsupported_grant_type",
    });
    expect((await refresh(fake, "AB11notatoken")).body).toEqual({ error: "invalid_grant" });
  });
});

describe("the fake Intuit's refusals", () => {
  const context = useFake();

  it.each([
    ["a response type other than code", { response_type: "token" }, "unsupported_response_type"],
    ["no scope", { scope: "" }, "invalid_scope"],
    ["an unknown scope", { scope: "com.intuit.quickbooks.everything" }, "invalid_scope"],
    [
      "an unknown challenge method",
      { code_challenge: "a".repeat(43), code_challenge_method: "S512" },
      "invalid_request",
    ],
    ["a malformed challenge", { code_challenge: "short", code_challenge_method: "S256" }, "invalid_request"],
  ])("shows an error page, without redirecting, for %s", async (_, parameters, error) => {
    const response = await fetch(authorizationUrl(context.fake, parameters), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`Error: ${error}`);
  });

  it("refuses an unknown or expired consent submission, and a connection without one of the listed companies", async () => {
    const { fake } = context;
    const submit = async (form: Record<string, string>) => {
      const response = await fetch(`${fake.url}/connect/oauth2/consent`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
        redirect: "manual",
      });
      return { status: response.status, text: await response.text() };
    };
    expect(await submit({ request: "never-issued", decision: "connect" })).toMatchObject({ status: 400 });
    const pageHtml = await (await fetch(authorizationUrl(fake))).text();
    const requestId = /name="request" value="([^"]+)"/.exec(pageHtml)?.[1] as string;
    const unlisted = await submit({ request: requestId, decision: "connect", realmId: "999" });
    expect(unlisted.status).toBe(400);
    expect(unlisted.text).toContain("Choose one of the listed companies.");
  });

  it("refuses a token request with a Basic header without a secret, an exchange without a code, and a refresh without a token", async () => {
    const { fake } = context;
    const noSecret = `Basic ${Buffer.from(client.clientId).toString("base64")}`;
    expect(
      await postToken(fake, { grant_type: "refresh_token", refresh_token: "x" }, { authorization: noSecret }),
    ).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect((await postToken(fake, { grant_type: "authorization_code", redirect_uri: redirectUri })).body).toEqual({
      error: "invalid_request",
    });
    expect((await postToken(fake, { grant_type: "refresh_token" })).body).toEqual({ error: "invalid_request" });
  });

  it("revokes only for an authenticated app and a named token; an unknown token is answered 200 (RFC 7009)", async () => {
    const { fake } = context;
    const revoke = (form: Record<string, string>, authorization = basic()) =>
      fetch(`${fake.url}/v2/oauth2/tokens/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization },
        body: new URLSearchParams(form).toString(),
      });
    expect((await revoke({ token: "x" }, basic(client.clientId, "wrong"))).status).toBe(401);
    expect((await revoke({})).status).toBe(400);
    expect((await revoke({ token: "never-issued" })).status).toBe(200);
  });

  it("answers user info only to a token granted openid", async () => {
    const { fake } = context;
    const body = await connectAndExchange(fake); // accounting only
    const accountingOnly = await fetch(`${fake.url}/v1/openid_connect/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(accountingOnly.status).toBe(401);
    expect(accountingOnly.headers.get("www-authenticate")).toBe('Bearer realm="Intuit"');
    const anonymous = await fetch(`${fake.url}/v1/openid_connect/userinfo`);
    expect(anonymous.status).toBe(401);
  });
});
