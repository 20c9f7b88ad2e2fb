import { driveXeroConsent, type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const app = { clientId: "crm-identity-test", clientSecret: "identity-test-secret" };
const publicApp = { clientId: "crm-identity-pkce" };
const redirectUri = "http://127.0.0.1:9/callback";
const scope = "openid profile email offline_access accounting.invoices.read";

let xero: FakeXero;
beforeAll(async () => {
  xero = await startFakeXero({
    clients: [
      { ...app, redirectUris: [redirectUri] },
      { ...publicApp, redirectUris: [redirectUri] },
    ],
  });
});
afterAll(async () => {
  await xero?.close();
});

const authorizeUrl = (parameters: Record<string, string | undefined>) => {
  const url = new URL(`${xero.url}/identity/connect/authorize`);
  const all = { client_id: app.clientId, redirect_uri: redirectUri, response_type: "code", scope, state: "s1" };
  for (const [name, value] of Object.entries({ ...all, ...parameters })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
};
/** Where the authorization endpoint sends the browser back to, with its error, without showing a consent page. */
const errorRedirect = async (parameters: Record<string, string | undefined>) => {
  const response = await fetch(authorizeUrl(parameters), { redirect: "manual" });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") as string);
  return { error: location.searchParams.get("error"), state: location.searchParams.get("state") };
};
const tenantIds = () => xero.tenants().map((tenant) => tenant.tenantId);
const aCode = async (parameters: Record<string, string | undefined> = {}) =>
  new URL(await driveXeroConsent(authorizeUrl(parameters), { tenantIds: tenantIds().slice(0, 1) })).searchParams.get(
    "code",
  ) as string;

const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
async function tokenRequest(
  form: Record<string, string>,
  authorization: string | null = basic(app.clientId, app.clientSecret),
) {
  const response = await fetch(`${xero.url}/connect/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the fake Xero's authorization endpoint, as IdentityServer answers it", () => {
  it("sends the browser back with the error and the state for a bad response type, no scope, an unknown scope or a malformed challenge", async () => {
    expect(await errorRedirect({ response_type: "token" })).toEqual({
      error: "unsupported_response_type",
      state: "s1",
    });
    expect(await errorRedirect({ scope: "" })).toEqual({ error: "invalid_scope", state: "s1" });
    expect(await errorRedirect({ scope: "openid accounting.everything" })).toEqual({
      error: "invalid_scope",
      state: "s1",
    });
    expect(await errorRedirect({ code_challenge: "not a challenge", code_challenge_method: "S256" })).toMatchObject({
      error: "invalid_request",
    });
  });
});

describe("the fake Xero's token endpoint", () => {
  it("refuses an unknown app, an unreadable Basic header, no client at all, an unknown grant type and a refresh token it never issued", async () => {
    expect(
      (await tokenRequest({ grant_type: "refresh_token", refresh_token: "x" }, basic("nobody", "x"))).body,
    ).toEqual({
      error: "invalid_client",
    });
    const unreadable = `Basic ${Buffer.from("%E0%A4%A:secret").toString("base64")}`;
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: "x" }, unreadable)).body).toEqual({
      error: "invalid_client",
    });
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: "x" }, null)).body).toEqual({
      error: "invalid_client",
    });
    expect((await tokenRequest({ grant_type: "password" })).body).toEqual({ error: "unsupported_grant_type" });
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: "not-issued" })).body).toEqual({
      error: "invalid_grant",
    });
  });
});

describe("the fake Xero's revocation and user info", () => {
  it("revokes a refresh token (RFC 7009: an unknown one is answered 200 too), and wants the token named", async () => {
    const code = await aCode();
    const { body } = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri });
    const revoke = (form: Record<string, string>) =>
      fetch(`${xero.url}/connect/revocation`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: basic(app.clientId, app.clientSecret),
        },
        body: new URLSearchParams(form).toString(),
      });
    expect((await revoke({})).status).toBe(400);
    expect((await revoke({ token: "never-issued" })).status).toBe(200);
    expect((await revoke({ token: body.refresh_token as string })).status).toBe(200);
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token as string });
    expect(refreshed.body).toEqual({ error: "invalid_grant" });
    // The revoked grant's access token is refused too.
    const userInfo = await fetch(`${xero.url}/connect/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(userInfo.status).toBe(401);
  });

  it("answers user info to a live access token, and 401 with WWW-Authenticate without one", async () => {
    const code = await aCode();
    const { body } = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri });
    const info = await fetch(`${xero.url}/connect/userinfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ email: expect.stringContaining("@") });
    const anonymous = await fetch(`${xero.url}/connect/userinfo`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });
});
