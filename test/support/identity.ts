import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateIdentityProvider, subjectFor } from "@crm/local/identity";

/**
 * The tests' identity provider: the local cloud's own, with keys in a fresh temporary directory. The worker setup
 * configures the handlers with its issuer, audience and keys; tests sign tokens with it.
 */
export const testIdentityProvider = await loadOrCreateIdentityProvider({
  dataDirectory: mkdtempSync(join(tmpdir(), "crm-test-identity-")),
  issuer: "http://127.0.0.1/local-idp",
  audience: "crm-test",
});

export const testIssuer = testIdentityProvider.issuer;
export const testAudience = testIdentityProvider.audience;
export const testJwks = testIdentityProvider.jwks;

export function tokenFor(email: string, name?: string): string {
  return testIdentityProvider.signAccessToken({ email, ...(name ? { name } : {}) });
}

/** A token signed with the test key whose claims and header can be overridden (undefined deletes a claim). */
export function signedToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const issuedAt = Math.floor(Date.now() / 1000);
  const email = "mallory@example.com";
  const payload: Record<string, unknown> = {
    iss: testIssuer,
    aud: testAudience,
    sub: subjectFor(email),
    email,
    email_verified: true,
    token_use: "id",
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + 3600,
    ...claims,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  return testIdentityProvider.signRaw(header, payload);
}
