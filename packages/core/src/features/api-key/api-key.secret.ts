import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { newId } from "../../platform/ids";

/**
 * An API key as a caller sends it: `crm_<key id>.<secret>`. The prefix lets secret scanners and people tell it
 * from an ID token at a glance; the id finds the key with one read; the secret is 32 random bytes (base64url).
 */
const tokenPattern = /^crm_(key_[0-9a-z]{26})\.([A-Za-z0-9_-]{43})$/;

export type ApiKeyCredential = { keyId: string; secret: string };

/** Whether a bearer token is meant as an API key (and so is never tried as a JWT). */
export function isApiKeyToken(token: string): boolean {
  return token.startsWith("crm_");
}

/** The key id and secret of a well-formed API key token, or null. */
export function apiKeyCredentialOf(token: string): ApiKeyCredential | null {
  const match = tokenPattern.exec(token);
  return match?.[1] && match[2] ? { keyId: match[1], secret: match[2] } : null;
}

/**
 * SHA-256, not a slow password hash: the secret is 256 random bits, so there is nothing to guess a dictionary
 * from, and a fast hash keeps every request's check cheap (as GitHub and Stripe do for their tokens).
 */
export function secretHashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether a secret is the one whose hash was stored, in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(secretHashOf(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A new key's id, the token shown once, and the hash that is stored. */
export function newApiKeySecret(): { keyId: string; token: string; secretHash: string } {
  const keyId = newId("apiKey");
  const secret = randomBytes(32).toString("base64url");
  return { keyId, token: `crm_${keyId}.${secret}`, secretHash: secretHashOf(secret) };
}
