import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { signedToken, testAudience, testJwks, tokenFor } from "../../support/identity";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const ourKid = () => testJwks.keys[0]?.kid;
const payloadOf = (token: string) => token.split(".")[1] ?? "";

// An attacker's own key pair: a valid RS256 signature, just not by the identity provider.
const attacker = generateKeyPairSync("rsa", { modulusLength: 2048 });
function signedByAttacker(header: Record<string, unknown>, payload: string): string {
  const head = encode({ alg: "RS256", typ: "JWT", ...header });
  const signature = createSign("RSA-SHA256").update(`${head}.${payload}`).sign(attacker.privateKey, "base64url");
  return `${head}.${payload}.${signature}`;
}

/**
 * The token attack vectors of RELIABILITY.md §A1.2 (test/handlers/authentication.test.ts holds the same list for one
 * route, with their error descriptions), plus key confusion: each must be a 401 on every route.
 */
export const tokenVectors: Record<string, (email: string) => string> = {
  "a malformed token": () => "not.a.jwt",
  "a token of four segments": (email) => `${tokenFor(email)}.x`,
  "an unsigned token (alg none)": (email) => `${encode({ alg: "none", typ: "JWT" })}.${payloadOf(tokenFor(email))}.`,
  "an unsigned token (alg NONE, with our kid)": (email) =>
    `${encode({ alg: "NONE", typ: "JWT", kid: ourKid() })}.${payloadOf(tokenFor(email))}.`,
  "an HS256 token signed with the public key as the secret": (email) => {
    const payload = payloadOf(tokenFor(email));
    const header = encode({ alg: "HS256", typ: "JWT", kid: ourKid() });
    const signature = createHmac("sha256", JSON.stringify(testJwks.keys[0]))
      .update(`${header}.${payload}`)
      .digest("base64url");
    return `${header}.${payload}.${signature}`;
  },
  "a token signed by another key under our kid": (email) =>
    signedByAttacker({ kid: ourKid() }, payloadOf(tokenFor(email))),
  "a token carrying its own key (embedded jwk)": (email) =>
    signedByAttacker(
      { kid: "attacker", jwk: attacker.publicKey.export({ format: "jwk" }) },
      payloadOf(tokenFor(email)),
    ),
  "a token pointing at another key set (jku)": (email) =>
    signedByAttacker({ kid: "attacker", jku: "https://evil.example/jwks.json" }, payloadOf(tokenFor(email))),
  "a token whose kid is a path": (email) => signedToken({ email }, { kid: "../../../../dev/null" }),
  "a token with an unknown key id": (email) => signedToken({ email }, { kid: "someone-elses-key" }),
  "a token with a stripped signature": (email) => `${tokenFor(email).split(".").slice(0, 2).join(".")}.`,
  "a token with a tampered signature": (email) => {
    // A character well inside the signature: the last one's low bits are base64 padding.
    const token = tokenFor(email);
    const at = token.length - 10;
    return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
  },
  "a token with a tampered payload": (email) => {
    const [header, , signature] = tokenFor("mallory@example.com").split(".");
    return `${header}.${payloadOf(tokenFor(email))}.${signature}`;
  },
  "a token from another issuer": (email) => signedToken({ email, iss: "https://evil.example/idp" }),
  "a token for another audience": (email) => signedToken({ email, aud: "another-api" }),
  "an expired token": (email) => signedToken({ email, iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
  "a token not valid yet": (email) => signedToken({ email, nbf: now() + 3600, exp: now() + 7200 }),
  "a token without exp": (email) => signedToken({ email, exp: undefined }),
  "a token issued in the future": (email) => signedToken({ email, iat: now() + 300 }),
  "an access token carrying aud and email": (email) =>
    signedToken({ email, token_use: "access", client_id: testAudience }),
  "a token whose email is not verified": (email) => signedToken({ email, email_verified: false }),
};
