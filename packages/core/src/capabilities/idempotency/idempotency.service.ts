import { createHash } from "node:crypto";
import { isConditionalCheckFailure } from "../../platform/transactions";
import { IdempotencyRecordEntity } from "./idempotency-record.entity";

/** How long a key is remembered (IETF draft and Stripe: at least 24 hours). */
export const idempotencyWindowSeconds = 24 * 60 * 60;
/** How long a first request may run before a retry may take over (above Lambda's API timeout). */
const inFlightLockMs = 60_000;

export type StoredResponse = { statusCode: number; headers: Record<string, string>; body: string };

export type IdempotencyDecision =
  | { kind: "proceed" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "in-flight"; retryAfterSeconds: number }
  | { kind: "mismatch" };

/** The record's key: which tenant (or person) sent which key to which route. */
export function idempotencyScope(parts: { tenant: string; caller: string; route: string; key: string }): string {
  return createHash("sha256")
    .update(JSON.stringify([parts.tenant, parts.caller, parts.route, parts.key]))
    .digest("base64url");
}

/** A fingerprint of a JSON body that ignores key order and whitespace. */
export function fingerprintOf(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, inner]) => [key, canonical(inner)]),
          )
        : value;
  return createHash("sha256")
    .update(JSON.stringify(canonical(body) ?? null))
    .digest("base64url");
}

/**
 * Claims a key for a request, atomically: a new or expired key (or an abandoned in-flight one with the same body)
 * becomes "in-progress" for this request; otherwise the stored record decides: replay, still running, or reused
 * with another body.
 */
export async function beginIdempotentRequest(scope: string, fingerprint: string): Promise<IdempotencyDecision> {
  const records = IdempotencyRecordEntity;
  const nowMs = Date.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const claimed = await records
    .put({
      scope,
      fingerprint,
      state: "in-progress",
      lockedUntil: nowMs + inFlightLockMs,
      expiresAt: nowSeconds + idempotencyWindowSeconds,
    })
    .where(
      (attributes, { notExists, lt, eq }) =>
        `${notExists(attributes.scope)} OR ${lt(attributes.expiresAt, nowSeconds)} OR (${eq(attributes.state, "in-progress")} AND ${lt(attributes.lockedUntil, nowMs)} AND ${eq(attributes.fingerprint, fingerprint)})`,
    )
    .go({ response: "none" })
    .then(
      () => true,
      (error: unknown) => {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      },
    );
  if (claimed) return { kind: "proceed" };

  const { data: existing } = await records.get({ scope }).go({ consistent: true });
  if (!existing) return beginIdempotentRequest(scope, fingerprint); // removed meanwhile: claim again
  if (existing.fingerprint !== fingerprint) return { kind: "mismatch" };
  if (existing.state === "in-progress") {
    return { kind: "in-flight", retryAfterSeconds: Math.max(1, Math.ceil((existing.lockedUntil - nowMs) / 1000)) };
  }
  return {
    kind: "replay",
    response: {
      statusCode: existing.statusCode ?? 200,
      headers: (existing.headers ?? {}) as Record<string, string>,
      body: existing.body ?? "",
    },
  };
}

/** Stores the response of a request that claimed the key, for replays. */
export async function completeIdempotentRequest(scope: string, response: StoredResponse): Promise<void> {
  await IdempotencyRecordEntity.patch({ scope })
    .set({ state: "completed", statusCode: response.statusCode, headers: response.headers, body: response.body })
    .go({ response: "none" });
}

/** Forgets a key whose request failed, so a retry runs again rather than replaying the failure. */
export async function abandonIdempotentRequest(scope: string): Promise<void> {
  await IdempotencyRecordEntity.delete({ scope })
    .where((attributes, { eq }) => eq(attributes.state, "in-progress"))
    .go({ response: "none" })
    .catch((error: unknown) => {
      // Already completed, or taken over after expiry: nothing of ours to forget.
      if (!isConditionalCheckFailure(error)) throw error;
    });
}
