import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";

const nextUlid = monotonicFactory();

/** Record id prefixes: the prefix tells a reader what an id points at, and ids of different kinds never collide. */
export const idPrefixes = {
  organisation: "org",
  member: "mem",
  contact: "con",
  company: "com",
  audit: "aud",
  pipeline: "pip",
  stage: "stg",
  deal: "dea",
  activity: "act",
  rule: "rul",
  integration: "int",
  invoice: "inv",
  payment: "pay",
  file: "fil",
  import: "imp",
  export: "exp",
  apiKey: "key",
  customField: "fld",
  fieldOption: "opt",
  savedView: "viw",
} as const;

export type IdKind = keyof typeof idPrefixes;

/** A new, time-ordered, unguessable id such as `con_01jd8x...`; lower-case because keys are case-folded. */
export function newId(kind: IdKind): string {
  return `${idPrefixes[kind]}_${nextUlid().toLowerCase()}`;
}

/** A bare ULID, lower-case, for the parts of keys that order items made in the same millisecond. */
export function newUlid(): string {
  return nextUlid().toLowerCase();
}

/**
 * An id derived from what it stands for (an import's line, say), so that doing the same thing twice finds the record
 * the first time made instead of making another.
 */
export function derivedId(kind: IdKind, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\n")).digest("hex");
  return `${idPrefixes[kind]}_${digest.slice(0, 26)}`;
}

/**
 * A member's id is derived from the organisation and the email, so authorising a request is one GetItem on a key
 * computed from the token, and adding the same email twice collides on the key itself.
 */
export function memberIdFor(orgId: string, email: string): string {
  const digest = createHash("sha256")
    .update(`${orgId}\n${normaliseEmail(email)}`)
    .digest("hex");
  return `${idPrefixes.member}_${digest.slice(0, 26)}`;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Shape check for path ids, so a malformed id is a 404 without a database round trip. */
export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${idPrefixes[kind]}_[0-9a-z]{26}$`).test(value);
}
