import { decodeCursor, encodeCursor } from "./cursor";
import type { Page } from "./schema";

/** One DynamoDB request of a list query, as ElectroDB runs it. */
export type QueryPage<T> = (options: { limit: number; cursor: string | null }) => Promise<{
  data: T[];
  cursor: string | null;
}>;

/** A filtered page may need several requests (DynamoDB applies Limit before filters); this bounds them. */
const maxRequestsPerFilteredPage = 10;

/**
 * Reads one page of at most `limit` items. With a filter, it asks DynamoDB for at most the items still missing
 * each time, so the position it hands back is exact and nothing is skipped; if the budget runs out first, the page
 * is shorter than `limit` but still carries a cursor.
 */
export async function readPage<T, R>(
  query: QueryPage<T>,
  options: { limit: number; cursor: string | undefined; fingerprint: string; filtered: boolean; map: (item: T) => R },
): Promise<Page<R>> {
  let position = decodeCursor(options.cursor, options.fingerprint);
  const items: T[] = [];
  for (let request = 0; request < (options.filtered ? maxRequestsPerFilteredPage : 1); request++) {
    const result = await query({ limit: options.limit - items.length, cursor: position });
    items.push(...result.data);
    position = result.cursor;
    if (position === null || items.length >= options.limit) break;
  }
  return { data: items.map(options.map), nextCursor: encodeCursor(position, options.fingerprint) };
}

/** Joins the filter conditions that apply (null ones do not) into one ElectroDB where-expression. */
export function allOf(conditions: (string | null)[]): string {
  return conditions.filter((condition): condition is string => condition !== null).join(" AND ");
}
