import { z } from "zod";
import { type IdKind, idPrefixes } from "./ids";

/** A record id of one kind in a path or body, e.g. `con_01jd8x...`. */
export function recordId(kind: IdKind) {
  return z
    .string()
    .regex(new RegExp(`^${idPrefixes[kind]}_[0-9a-z]{1,64}$`), `Must be a ${kind} id (${idPrefixes[kind]}_...).`)
    .meta({ example: `${idPrefixes[kind]}_01jd8x4k2q7v3m9t5r1w6y8z0a` });
}

/** Who did something: a member, or the API key (`key_…`) it was done with. */
export const actorId = z
  .string()
  .regex(/^(mem|key)_[0-9a-z]{1,64}$/, "Must be a member id (mem_...) or an API key id (key_...).")
  .meta({ description: "A member, or the API key it was done with.", example: "mem_01jd8x4k2q7v3m9t5r1w6y8z0a" });

/**
 * No control characters (Unicode's Cc: U+0000 to U+001F and U+007F to U+009F), spelt as ranges rather than `\p{Cc}`
 * because the pattern is published in the OpenAPI document, and `\p{…}` means that only to a validator that applies
 * the `u` flag; without it the class excludes the letters p, C and c.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const noControlCharacters = /^[^\u0000-\u001f\u007f-\u009f]*$/;

/** Free text with no control characters, trimmed, with a length cap so no field can be used to bloat an item. */
export function text(max: number) {
  return z.string().trim().min(1).max(max).regex(noControlCharacters, "Must not contain control characters.");
}

/**
 * A number the table can store: DynamoDB keeps 0 and magnitudes from 1e-130 to below 1e126, and refuses the rest
 * (a JSON number such as 1e-323 would otherwise fail the write with a 500).
 */
export const storableNumber = z
  .number()
  .refine(
    (value) => value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126),
    "Must be 0 or between 1e-130 and 1e126 in magnitude.",
  );

export const emailAddress = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase())
  .meta({ example: "ada@example.com" });

/** Tags are case-insensitive labels: stored lower-cased, so filtering by tag is exact. */
export const tag = text(50)
  .overwrite((value) => value.toLowerCase())
  .meta({ example: "vip" });

export const tagList = z
  .array(tag)
  .max(50)
  .transform((tags) => [...new Set(tags)]);

export const timestamp = z.iso.datetime().meta({ example: "2026-11-25T09:30:00.000Z" });

export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(25)
  .meta({ description: "Items per page, 1 to 100 (default 25).", example: 25 });

export const pageCursor = z
  .string()
  .min(1)
  .max(2048)
  .meta({ description: "Opaque cursor from a previous page's `nextCursor`; valid only for the same query." });

/** `{ data, nextCursor }`: the shape of every list response. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` to get the next page; null on the last page." }),
  });
}

export type Page<T> = { data: T[]; nextCursor: string | null };

/** Folds a name for sorting: case- and accent-insensitive, whitespace collapsed. */
export function sortKeyOf(...parts: (string | null | undefined)[]): string {
  const folded = parts
    .filter((part): part is string => Boolean(part))
    .join(" ")
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
  return folded || "~"; // records without a name sort last
}
