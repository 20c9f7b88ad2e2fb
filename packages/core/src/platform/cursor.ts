import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { cursorConfig } from "./config/cursor.config";
import { InvalidCursorError } from "./errors";

/**
 * Pagination cursors are ElectroDB's position wrapped with the fingerprint of the query it belongs to and signed
 * with the deployment's cursor key. A tampered cursor, one from another query or one from another organisation
 * fails the signature or the fingerprint and is a 400; it can never move a query into another tenant's data.
 */

type CursorBody = { p: string; q: string };

/** Identifies a query: the organisation, the list, its filters and its sort. */
export function queryFingerprint(parts: Record<string, string | number | boolean | null | undefined>): string {
  const canonical = JSON.stringify(Object.entries(parts).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 22);
}

export function encodeCursor(position: string | null, fingerprint: string): string | null {
  if (position === null) return null;
  const body = Buffer.from(JSON.stringify({ p: position, q: fingerprint } satisfies CursorBody)).toString("base64url");
  return `${body}.${sign(body)}`;
}

/** The ElectroDB position inside a cursor, or InvalidCursorError if it was not issued for this query. */
export function decodeCursor(cursor: string | undefined, fingerprint: string): string | null {
  if (cursor === undefined) return null;
  const [body, signature, ...rest] = cursor.split(".");
  if (!body || !signature || rest.length > 0) throw new InvalidCursorError();
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidCursorError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  const { p, q } = (decoded ?? {}) as Partial<CursorBody>;
  if (typeof p !== "string" || q !== fingerprint) throw new InvalidCursorError();
  return p;
}

function sign(body: string): string {
  return createHmac("sha256", cursorConfig().signingKey).update(body).digest("base64url");
}
