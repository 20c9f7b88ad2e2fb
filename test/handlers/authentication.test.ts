import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { signedToken, testAudience, testJwks, tokenFor } from "../support/identity";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** The token attack vectors of RELIABILITY.md §A1.2, each of which must be a 401 with a Bearer challenge. */
const vectors: Record<string, () => string> = {
  "a malformed token": () => "not.a.jwt",
  "random garbage": () => "x".repeat(40),
  "an unsigned token (alg none)": () => {
    const [, payload] = tokenFor("mallory@example.com").split(".");
    return `${encode({ alg: "none", typ: "JWT" })}.${payload}.`;
  },
  "an HS256 token signed with the public key as the secret": () => {
    const [, payload] = tokenFor("mallory@example.com").split(".");
    const header = encode({ alg: "HS256", typ: "JWT", kid: testJwks.keys[0]?.kid });
    const secret = JSON.stringify(testJwks.keys[0]);
    const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${signature}`;
  },
  "a token with an unknown key id": () => signedToken({}, { kid: "someone-elses-key" }),
  "a token from another issuer": () => signedToken({ iss: "https://evil.example/idp" }),
  "a token for another audience": () => signedToken({ aud: "another-api" }),
  "an expired token": () => signedToken({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
  "a token not valid yet (nbf in the future)": () => signedToken({ nbf: now() + 3600, exp: now() + 7200 }),
  "a token without exp": () => signedToken({ exp: undefined }),
  "a token without an email": () => signedToken({ email: undefined }),
  "a token whose email is not verified": () => signedToken({ email_verified: false }),
  // The API takes ID tokens; an access token is refused even when it carries the claims an ID token would.
  "an access token carrying aud and email": () => signedToken({ token_use: "access", client_id: testAudience }),
  "a token without token_use": () => signedToken({ token_use: undefined }),
  "a token issued in the future": () => signedToken({ iat: now() + 300 }),
  "a token with a tampered payload": () => {
    const [header, , signature] = tokenFor("mallory@example.com").split(".");
    const forged = encode({
      ...JSON.parse(Buffer.from(tokenFor("x@y.z").split(".")[1] ?? "", "base64url").toString()),
      email: "alice@example.com",
    });
    return `${header}.${forged}.${signature}`;
  },
  "an oversized token": () => signedToken({ padding: "x".repeat(10_000) }),
};

describe("authentication", () => {
  it.each(Object.keys(vectors))("refuses %s with 401 and a Bearer challenge", async (vector) => {
    const response = await invoke("orgs.list", { token: vectors[vector]?.() });
    expect(response.status).toBe(401);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer realm="crm", error="invalid_token"/);
    expect(response.body.code).toBe("unauthorized");
  });

  it("says when a token has expired, so clients know to refresh", async () => {
    const response = await invoke("orgs.list", { token: vectors["an expired token"]?.() });
    expect(response.headers["www-authenticate"]).toContain('error_description="The token has expired."');
  });

  it("accepts a token issued a few seconds ahead of our clock, as the issuer's clock may run fast", async () => {
    const response = await invoke("orgs.list", { token: signedToken({ iat: now() + 5, nbf: now() + 5 }) });
    expect(response.status).toBe(200);
  });

  it("answers a missing token without an error code, as RFC 6750 asks", async () => {
    const response = await invoke("orgs.list");
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="crm"');
  });

  it("refuses other authorization schemes and a token in the query string", async () => {
    const token = tokenFor("someone@example.com");
    expect((await invoke("orgs.list", { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
    expect((await invoke("orgs.list", { query: { access_token: token } })).status).toBe(401);
  });

  it("accepts a valid token whatever the case of the scheme", async () => {
    const token = tokenFor("someone@example.com");
    expect((await invoke("orgs.list", { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });
});
