import { createHash, randomBytes } from "node:crypto";
import { type FakeXero, startFakeXero, xeroEndpointsFor } from "@crm/local/xero";
import { JwtRsaVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Xero's JSON dynamically
type Json = Record<string, any>;

const webApp = {
  clientId: "CRMTESTWEBAPP0000000000000000001",
  clientSecret: "fake-xero-test-secret",
  redirectUris: ["http://127.0.0.1:9/v1/integrations/xero/callback"],
  name: "CRM (tests)",
};
const pkceApp = { clientId: "CRMTESTPKCEAPP000000000000000002", redirectUris: ["http://127.0.0.1:9/pkce/callback"] };
const redirectUri = webApp.redirectUris[0] as string;
const scopes = "openid profile email offline_access accounting.invoices accounting.payments accounting.contacts";
const minute = 60_000;
const day = 24 * 60 * minute;

let clock = Date.UTC(2026, 10, 20, 9, 0, 0);
let xero: FakeXero;

beforeAll(async () => {
  xero = await startFakeXero({ clients: [webApp, pkceApp], now: () => clock });
});
afterAll(() => xero?.close());

/** Runs a test at a later time on the fake's clock, and puts the clock back afterwards. */
async function later<T>(ms: number, work: () => Promise<T>): Promise<T> {
  clock += ms;
  try {
    return await work();
  } finally {
    clock -= ms;
  }
}

function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

function authorizationUrl(parameters: Record<string, string> = {}) {
  const url = new URL(xeroEndpointsFor(xero.url).authorizationUrl);
  const query = {
    response_type: "code",
    client_id: webApp.clientId,
    redirect_uri: redirectUri,
    scope: scopes,
    state: "org-1.nonce-xyz",
    ...parameters,
  };
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
}

const basic = (clientId = webApp.clientId, secret = webApp.clientSecret) =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`;

/** POSTs to the token endpoint with HTTP Basic client authentication, or none when `authorization` is null. */
async function postToken(form: Record<string, string>, authorization: string | null = basic()) {
  const response = await fetch(`${xero.url}/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let body: Json = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

const refresh = (refreshToken: string) => postToken({ grant_type: "refresh_token", refresh_token: refreshToken });

/** Consents to the given tenants with PKCE S256 and exchanges the code. */
async function connect(tenantIds = [xero.tenants()[0]?.tenantId as string]) {
  const { verifier, challenge } = pkcePair();
  const location = new URL(
    await xero.consent(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), { tenantIds }),
  );
  const code = location.searchParams.get("code") as string;
  const tokens = await postToken({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(tokens.status).toBe(200);
  return tokens.body as { access_token: string; refresh_token: string; id_token: string; scope: string };
}

const claimsOf = (jwt: string): Json => JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString());

const connections = async (accessToken: string, query = "") =>
  fetch(`${xero.url}/connections${query}`, { headers: { authorization: `Bearer ${accessToken}` } });

describe("the fake Xero's authorization code flow", () => {
  it("shows a consent page listing the organisations, then redirects with code, scope and state", async () => {
    const page = await fetch(authorizationUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    for (const tenant of xero.tenants()) expect(html).toContain(`name="tenant" value="${tenant.tenantId}"`);
    expect(html).toContain("Northwind Traders");
    expect(html).toMatch(/value="allow"[\s\S]*value="deny"/);

    const location = new URL(
      await xero.consent(authorizationUrl(), { tenantIds: [xero.tenants()[0]?.tenantId as string] }),
    );
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get("state")).toBe("org-1.nonce-xyz");
    expect(location.searchParams.get("code")).toMatch(/^[0-9a-f]{64}$/);
    expect(location.searchParams.get("scope")).toBe(scopes);
  });

  it("completes PKCE S256: tokens for 30 minutes, a refresh token, and /connections listing the chosen tenants", async () => {
    const [us, europe] = xero.tenants();
    const tokens = await connect([us?.tenantId as string, europe?.tenantId as string]);
    expect(tokens).toMatchObject({ expires_in: 1800, token_type: "Bearer", scope: scopes });
    expect(tokens.refresh_token).toMatch(/^[0-9a-f]{64}$/);
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ iss: "https://identity.xero.com", client_id: webApp.clientId });
    expect(claims.exp - claims.nbf).toBe(1800);
    expect(claimsOf(tokens.id_token)).toMatchObject({ aud: webApp.clientId, email: "alice@example.com" });

    const response = await connections(tokens.access_token, `?authEventId=${claims.authentication_event_id}`);
    expect(response.status).toBe(200);
    const listed = (await response.json()) as Json[];
    expect(listed.map((connection) => connection.tenantId).sort()).toEqual([us?.tenantId, europe?.tenantId].sort());
    for (const connection of listed) {
      expect(connection).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        authEventId: claims.authentication_event_id,
        tenantId: expect.any(String),
        tenantType: "ORGANISATION",
        tenantName: expect.stringContaining("Northwind Traders"),
        createdDateUtc: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/),
        updatedDateUtc: expect.any(String),
      });
    }
  });

  it("publishes discovery and a JWKS that verifies its ID tokens with aws-jwt-verify", async () => {
    // On the real clock, which the verifier checks the 5-minute ID token against.
    const live = await startFakeXero({ clients: [webApp], seed: false });
    try {
      const endpoints = xeroEndpointsFor(live.url);
      const discovery = (await (await fetch(`${live.url}/.well-known/openid-configuration`)).json()) as Json;
      expect(discovery).toMatchObject({
        issuer: "https://identity.xero.com",
        authorization_endpoint: endpoints.authorizationUrl,
        token_endpoint: endpoints.tokenUrl,
        revocation_endpoint: endpoints.revocationUrl,
        jwks_uri: endpoints.jwksUrl,
        code_challenge_methods_supported: ["S256"],
      });
      const tokens = live.identity.issueTokens({ tenantIds: [] });
      // aws-jwt-verify fetches over https only; this fetcher reads the fake's JWKS over plain http.
      const jwksCache = new SimpleJwksCache({
        fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
      });
      const verifier = JwtRsaVerifier.create(
        { issuer: "https://identity.xero.com", audience: webApp.clientId, jwksUri: endpoints.jwksUrl },
        { jwksCache },
      );
      await expect(verifier.verify(tokens.id_token as string)).resolves.toMatchObject({ email: "alice@example.com" });
    } finally {
      await live.close();
    }
  });

  it("refuses a code used twice, a wrong verifier and a code after 5 minutes with invalid_grant", async () => {
    const exchange = async (parameters: Record<string, string>, verifierOf: (verifier: string) => string) => {
      const { verifier, challenge } = pkcePair();
      const location = new URL(
        await xero.consent(
          authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256", ...parameters }),
          {
            tenantIds: [xero.tenants()[0]?.tenantId as string],
          },
        ),
      );
      const form = {
        grant_type: "authorization_code",
        code: location.searchParams.get("code") as string,
        redirect_uri: redirectUri,
        code_verifier: verifierOf(verifier),
      };
      return { form, first: await postToken(form) };
    };
    const { form, first } = await exchange({}, (verifier) => verifier);
    expect(first.status).toBe(200);
    expect(await postToken(form)).toEqual({ status: 400, body: { error: "invalid_grant" } });

    const wrong = await exchange({}, () => pkcePair().verifier);
    expect(wrong.first).toEqual({ status: 400, body: { error: "invalid_grant" } });

    const { verifier, challenge } = pkcePair();
    const location = new URL(
      await xero.consent(authorizationUrl({ code_challenge: challenge, code_challenge_method: "S256" }), {
        tenantIds: [xero.tenants()[0]?.tenantId as string],
      }),
    );
    const late = await later(5 * minute + 1, () =>
      postToken({
        grant_type: "authorization_code",
        code: location.searchParams.get("code") as string,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    );
    expect(late).toEqual({ status: 400, body: { error: "invalid_grant" } });
  });

  it("requires PKCE S256 of an app without a secret and refuses plain; the web app may omit it", async () => {
    const pkceUrl = (parameters: Record<string, string>) =>
      authorizationUrl({ client_id: pkceApp.clientId, redirect_uri: pkceApp.redirectUris[0] as string, ...parameters });
    const missing = await fetch(pkceUrl({}), { redirect: "manual" });
    expect(missing.status).toBe(302);
    expect(new URL(missing.headers.get("location") as string).searchParams.get("error")).toBe("invalid_request");
    const plain = await fetch(pkceUrl({ code_challenge: pkcePair().verifier, code_challenge_method: "plain" }), {
      redirect: "manual",
    });
    expect(new URL(plain.headers.get("location") as string).searchParams.get("error")).toBe("invalid_request");

    const { verifier, challenge } = pkcePair();
    const location = new URL(
      await xero.consent(pkceUrl({ code_challenge: challenge, code_challenge_method: "S256" }), {
        tenantIds: [xero.tenants()[1]?.tenantId as string],
      }),
    );
    const tokens = await postToken(
      {
        grant_type: "authorization_code",
        client_id: pkceApp.clientId,
        code: location.searchParams.get("code") as string,
        redirect_uri: pkceApp.redirectUris[0] as string,
        code_verifier: verifier,
      },
      null,
    );
    expect(tokens.status).toBe(200);

    const withoutPkce = new URL(
      await xero.consent(authorizationUrl(), { tenantIds: [xero.tenants()[0]?.tenantId as string] }),
    );
    const exchanged = await postToken({
      grant_type: "authorization_code",
      code: withoutPkce.searchParams.get("code") as string,
      redirect_uri: redirectUri,
    });
    expect(exchanged.status).toBe(200);
  });

  it("refuses the broad accounting.transactions scope for an app created after 2 March 2026", async () => {
    const response = await fetch(authorizationUrl({ scope: "openid offline_access accounting.transactions" }), {
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") as string);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("state")).toBe("org-1.nonce-xyz");
  });

  it("shows an error page without redirecting for an unknown client or an unregistered redirect_uri", async () => {
    const invalid: Record<string, string>[] = [
      { client_id: "unknown" },
      { redirect_uri: "https://evil.example/callback" },
    ];
    for (const parameters of invalid) {
      const response = await fetch(authorizationUrl(parameters), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    }
  });

  it("sends the user back with error=access_denied and the state on Cancel, connecting nothing", async () => {
    const before = xero.identity.connections().length;
    const location = new URL(await xero.consent(authorizationUrl(), "deny"));
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("org-1.nonce-xyz");
    expect(xero.identity.connections()).toHaveLength(before);
  });

  it("refuses a wrong client secret with 400 invalid_client", async () => {
    const answer = await postToken(
      { grant_type: "refresh_token", refresh_token: "whatever" },
      basic(webApp.clientId, "not-the-secret"),
    );
    expect(answer).toEqual({ status: 400, body: { error: "invalid_client" } });
  });
});

describe("the fake Xero's rotating refresh tokens", () => {
  it("returns a new refresh token on every refresh", async () => {
    const tokens = await connect();
    const first = await refresh(tokens.refresh_token);
    const second = await refresh(first.body.refresh_token);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(new Set([tokens.refresh_token, first.body.refresh_token, second.body.refresh_token]).size).toBe(3);
    expect(first.body).toMatchObject({ expires_in: 1800, token_type: "Bearer", scope: scopes });
    expect(first.body.access_token).not.toBe(tokens.access_token);
  });

  it("keeps the previous refresh token usable for 30 minutes on the fake's clock, and not after", async () => {
    const tokens = await connect();
    const rotated = await refresh(tokens.refresh_token);
    const retried = await later(29 * minute, () => refresh(tokens.refresh_token));
    expect(retried.status).toBe(200);
    expect(retried.body.refresh_token).not.toBe(rotated.body.refresh_token);
    // The grace answer is the family's newest pair: the one it replaced is retired.
    expect((await refresh(rotated.body.refresh_token)).status).toBe(400);
    expect((await refresh(retried.body.refresh_token)).status).toBe(200);

    const other = await connect();
    await refresh(other.refresh_token);
    expect(await later(30 * minute, () => refresh(other.refresh_token))).toEqual({
      status: 400,
      body: { error: "invalid_grant" },
    });
  });

  it("lets a client whose answer was lost retry with the previous token, and counts every token request", async () => {
    const tokens = await connect();
    const before = xero.identity.tokenRequests();
    xero.identity.failTokenEndpoint(1, 504, "after");
    const lost = await refresh(tokens.refresh_token);
    expect(lost.status).toBe(504);
    const retried = await refresh(tokens.refresh_token);
    expect(retried.status).toBe(200);
    expect((await refresh(retried.body.refresh_token)).status).toBe(200);
    expect(xero.identity.tokenRequests()).toBe(before + 3);
  });

  it("expires a refresh token left unused for 60 days", async () => {
    const tokens = await connect();
    expect((await later(59 * day, () => refresh(tokens.refresh_token))).status).toBe(200);
    const stale = await connect();
    expect(await later(60 * day, () => refresh(stale.refresh_token))).toEqual({
      status: 400,
      body: { error: "invalid_grant" },
    });
  });

  it("revokes with /connect/revocation: the refresh token is invalid_grant and the connections are gone", async () => {
    const tokens = await connect();
    const revoked = await fetch(`${xero.url}/connect/revocation`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic() },
      body: new URLSearchParams({ token: tokens.refresh_token }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe("");
    expect(await refresh(tokens.refresh_token)).toEqual({ status: 400, body: { error: "invalid_grant" } });
    const fresh = await connect();
    expect(xero.identity.connections(webApp.clientId)).toHaveLength(1);
    expect((await connections(fresh.access_token)).status).toBe(200);
  });

  it("answers 401 for an expired access token, which a refresh replaces", async () => {
    const tokens = await connect();
    expect((await connections(tokens.access_token)).status).toBe(200);
    const expired = await later(30 * minute, () => connections(tokens.access_token));
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(((await expired.json()) as Json).Detail).toMatch(/^TokenExpired/);
    xero.identity.expireAccessTokens();
    expect((await connections(tokens.access_token)).status).toBe(401);
    const refreshed = await refresh(tokens.refresh_token);
    expect((await connections(refreshed.body.access_token)).status).toBe(200);
  });

  it("disconnects one tenant with DELETE /connections/{id}", async () => {
    const [us, europe] = xero.tenants();
    const tokens = await connect([us?.tenantId as string, europe?.tenantId as string]);
    const listed = (await (await connections(tokens.access_token)).json()) as Json[];
    const europeConnection = listed.find((connection) => connection.tenantId === europe?.tenantId);
    const deleted = await fetch(`${xero.url}/connections/${europeConnection?.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(deleted.status).toBe(204);
    const remaining = (await (await connections(tokens.access_token)).json()) as Json[];
    expect(remaining.map((connection) => connection.tenantId)).toEqual([us?.tenantId]);
  });
});

describe("the fake Xero's connected apps page", () => {
  it("lets a person disconnect the app from an organisation, after which /connections no longer lists it", async () => {
    const [us] = xero.tenants();
    const tokens = await connect([us?.tenantId as string]);
    const [own] = (await (await connections(tokens.access_token)).json()) as Json[];
    const connectionId = own?.id as string;
    const page = await (await fetch(`${xero.url}/settings/connected-apps`)).text();
    expect(page).toContain(`name="connection" value="${connectionId}"`);
    const submitted = await fetch(`${xero.url}/settings/connected-apps`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ connection: connectionId }).toString(),
      redirect: "manual",
    });
    expect(submitted.status).toBe(303);
    const listed = (await (await connections(tokens.access_token)).json()) as Json[];
    expect(listed.map((connection) => connection.id)).not.toContain(connectionId);
  });
});

describe("the fake Xero's family revocation on reuse", () => {
  let strict: FakeXero;
  let strictClock = Date.UTC(2026, 10, 20, 9, 0, 0);
  beforeAll(async () => {
    strict = await startFakeXero({ clients: [webApp], revokeFamilyOnReuse: true, now: () => strictClock, seed: false });
  });
  afterAll(() => strict?.close());

  const strictRefresh = async (refreshToken: string) => {
    const response = await fetch(`${strict.url}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic() },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it("revokes the whole family when a superseded refresh token comes back outside the grace", async () => {
    const issued = strict.identity.issueTokens({ tenantIds: [strict.tenants()[0]?.tenantId as string] });
    const rotated = await strictRefresh(issued.refresh_token as string);
    expect(rotated.status).toBe(200);
    // Within the grace the previous token is still a retry, not a reuse.
    strictClock += 10 * minute;
    const retried = await strictRefresh(issued.refresh_token as string);
    expect(retried.status).toBe(200);
    expect(strict.identity.familyRevoked()).toBe(false);

    strictClock += 21 * minute;
    expect(await strictRefresh(issued.refresh_token as string)).toEqual({
      status: 400,
      body: { error: "invalid_grant" },
    });
    expect(strict.identity.familyRevoked()).toBe(true);
    // Even the newest refresh token and the live access token of the family are dead now.
    expect((await strictRefresh(retried.body.refresh_token)).status).toBe(400);
    const answer = await fetch(`${strict.url}/connections`, {
      headers: { authorization: `Bearer ${retried.body.access_token}` },
    });
    expect(answer.status).toBe(401);
    expect(strict.identity.grants().at(-1)).toMatchObject({ revoked: true, revokedBecause: "reuse" });
  });

  it("does not revoke anything for a client that always refreshes with the newest token", async () => {
    const before = strict.identity.familyRevocations();
    let refreshToken = strict.identity.issueTokens({ tenantIds: [] }).refresh_token as string;
    for (let round = 0; round < 5; round += 1) {
      strictClock += 31 * minute;
      const answer = await strictRefresh(refreshToken);
      expect(answer.status).toBe(200);
      refreshToken = answer.body.refresh_token;
    }
    expect(strict.identity.familyRevocations()).toBe(before);
  });
});
