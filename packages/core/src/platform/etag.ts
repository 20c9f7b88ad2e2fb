import { PreconditionFailedError } from "./errors";

/** A record's entity tag: its version, as a strong validator (`"3"`). */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Whether If-None-Match names the current tag (RFC 9110 §13.1.2): `*`, or one of the listed tags by the weak
 * comparison (`W/"3"` matches `"3"`), so a cache may revalidate with whichever form it kept.
 */
export function noneMatchHolds(ifNoneMatch: string | undefined, currentTag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const listed = ifNoneMatch.split(",").map(opaque);
  return listed.includes("*") || listed.includes(opaque(currentTag));
}

/** What the caller asserted with If-Match (RFC 9110 §13.1.1); absent means no precondition. */
export type Preconditions = { ifMatch?: string };

/**
 * Enforces If-Match against the stored version: `*` matches any existing record, otherwise one of the listed
 * strong tags must equal the current one. Weak tags (`W/"3"`) never match, as the RFC requires for If-Match.
 */
export function assertPreconditions(
  preconditions: Preconditions | undefined,
  current: { version: number },
  resource: string,
  id: string,
): void {
  const ifMatch = preconditions?.ifMatch?.trim();
  if (ifMatch === undefined || ifMatch === "*") return;
  const currentTag = etagOf(current.version);
  const listed = ifMatch.split(",").map((tag) => tag.trim());
  if (!listed.includes(currentTag)) throw new PreconditionFailedError(resource, id, currentTag);
}
