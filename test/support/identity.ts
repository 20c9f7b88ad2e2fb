// PROVISIONAL: replaced by the local identity provider once it lands.
import { createHash, createSign, generateKeyPairSync, randomUUID } from "node:crypto";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const kid = "test-key";
export const testIssuer = "http://127.0.0.1/local-idp";
export const testAudience = "crm-test";
export const testJwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" }] };

/** A token signed with the test key whose claims and header can be overridden (undefined deletes a claim). */
export function signedToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  const email = "mallory@example.com";
  const payload: Record<string, unknown> = {
    iss: testIssuer,
    aud: testAudience,
    sub: "user_mallory",
    email,
    email_verified: true,
    token_use: "id",
    iat,
    nbf: iat,
    exp: iat + 3600,
    ...claims,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode({ alg: "RS256", typ: "JWT", kid, ...header })}.${encode(payload)}`;
  return `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
}

export function tokenFor(email: string, name?: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", kid };
  const payload = {
    iss: testIssuer,
    aud: testAudience,
    sub: `user_${createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 24)}`,
    email: email.toLowerCase(),
    email_verified: true,
    name,
    token_use: "id",
    iat,
    nbf: iat,
    exp: iat + 3600,
    jti: randomUUID(),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
  return `${input}.${signature}`;
}
