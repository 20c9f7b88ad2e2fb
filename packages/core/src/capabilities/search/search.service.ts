import type { CreateEntityItem, EntityItem } from "electrodb";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { type SearchableRecordType, searchableRecordTypes } from "./search.constants";
import type { SearchQuery, SearchResult, SearchResults } from "./search.schema";
import { SearchTermEntity } from "./search-term.entity";

type SearchTermItem = EntityItem<typeof SearchTermEntity>;
type NewSearchTerm = CreateEntityItem<typeof SearchTermEntity>;

/** Longest stored term, in characters: enough for any prefix a person types, short enough to keep keys small. */
export const maxTermLength = 64;

/** Most terms per record, so that a record's write plus its term changes stay far inside 100 transaction actions. */
export const maxTermsPerRecord = 20;

/** What search knows about one record: how to show it and the folded terms it is found by, most important first. */
export type SearchDocument = { label: string; detail: string | null; terms: string[] };

/** The record a search document belongs to. */
export type SearchRecord = { recordType: SearchableRecordType; recordId: string };

/**
 * Folds text for matching: compatibility-decomposed (NFKD), lower-case, and reduced to letters and digits, which
 * drops combining marks, spaces and punctuation. So "Zoë" matches "zoe", "ada lov" matches "Ada Lovelace" and
 * "+44 20" matches the phone digits "4420…"; and because no folded term holds a separator, an exact term always
 * sorts before the longer terms it prefixes.
 */
export function foldSearchText(text: string): string {
  const folded = text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
  return Array.from(folded).slice(0, maxTermLength).join(""); // by code point, never splitting a surrogate pair
}

/**
 * The folded words of a name, so "Mary-Jane van Dyke" is also found by "jane" and "dyke". Single letters are left
 * out: they would spend the term budget on matches nobody looks for.
 */
function wordsOf(text: string): string[] {
  return text
    .normalize("NFKD")
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .map(foldSearchText)
    .filter((word) => Array.from(word).length > 1);
}

/** A search document from display fields and the texts a record is found by, most important first. */
export function searchDocument(
  display: { label: string; detail?: string | null },
  texts: (string | null | undefined)[],
): SearchDocument {
  const terms = new Set(texts.flatMap((text) => (text ? [foldSearchText(text)] : [])).filter(Boolean));
  return { label: display.label, detail: display.detail ?? null, terms: [...terms].slice(0, maxTermsPerRecord) };
}

/**
 * What a record keeps of its custom fields that search reads: the values, and the keys of those whose values are
 * search terms (text-like fields, decided when the values were written).
 */
export type SearchedCustomFields = { customFields?: unknown; searchedCustomFields?: string[] | null };

/**
 * The texts of a record's searched custom field values, after its built-in fields' terms: each value as a whole
 * (a web address without its scheme and `www.`), an email also by its domain.
 */
function customFieldTexts(record: SearchedCustomFields): string[] {
  const values = (record.customFields ?? {}) as Record<string, unknown>;
  return (record.searchedCustomFields ?? []).flatMap((key) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (typeof value !== "string") return [];
    if (/^https?:\/\//i.test(value)) return [value.replace(/^https?:\/\/(www\.)?/i, "")];
    return value.includes("@") && !/\s/.test(value) ? [value, value.slice(value.lastIndexOf("@") + 1)] : [value];
  });
}

/**
 * A contact is found by first, last and full name (either order), each name word, email, email domain, phone and
 * its searched custom field values.
 */
export function searchDocumentOfContact(
  contact: {
    firstName?: string | null;
    lastName?: string | null;
    emails: string[];
    phones: string[];
  } & SearchedCustomFields,
): SearchDocument {
  const { firstName, lastName, emails, phones } = contact;
  const name = [firstName, lastName].filter(Boolean).join(" ");
  const label = name || emails[0] || phones[0] || "";
  const detail = [emails[0], phones[0]].find((value) => value && value !== label) ?? null;
  return searchDocument({ label, detail }, [
    name,
    firstName,
    lastName,
    [lastName, firstName].filter(Boolean).join(" "),
    ...wordsOf(name),
    ...emails,
    ...emails.map((email) => email.slice(email.lastIndexOf("@") + 1)),
    ...phones,
    ...customFieldTexts(contact),
  ]);
}

/** A company is found by its name, each word of it, its domain and its searched custom field values. */
export function searchDocumentOfCompany(
  company: { name: string; domain?: string | null } & SearchedCustomFields,
): SearchDocument {
  return searchDocument({ label: company.name, detail: company.domain }, [
    company.name,
    ...wordsOf(company.name),
    company.domain,
    ...customFieldTexts(company),
  ]);
}

/** A deal is found by its title, each word of it and its searched custom field values; its value is the second line. */
export function searchDocumentOfDeal(
  deal: { title: string; amount: number; currency: string } & SearchedCustomFields,
): SearchDocument {
  const format = new Intl.NumberFormat("en", { style: "currency", currency: deal.currency });
  const minorDigits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return searchDocument({ label: deal.title, detail: format.format(deal.amount / 10 ** minorDigits) }, [
    deal.title,
    ...wordsOf(deal.title),
    ...customFieldTexts(deal),
  ]);
}

/** The term items of a record, as stored. */
export function searchTermItems(orgId: string, record: SearchRecord, document: SearchDocument): NewSearchTerm[] {
  return document.terms.map((term) => ({
    orgId,
    ...record,
    term,
    label: document.label,
    ...(document.detail === null ? {} : { detail: document.detail }),
  }));
}

/**
 * The transaction actions that take a record's terms from `before` to `after` (null when the record does not exist
 * on that side): new terms are put, dropped terms deleted, and every term rewritten when the display fields change.
 * No term is both put and deleted, as a transaction may touch an item only once. Put these actions after the
 * record's own and its reference actions, just before the audit action, so the positions of those stay put.
 */
export function searchTermActions(
  orgId: string,
  record: SearchRecord,
  before: SearchDocument | null,
  after: SearchDocument | null,
) {
  const had = new Set(before?.terms ?? []);
  const has = new Set(after?.terms ?? []);
  const displayChanged = before?.label !== after?.label || before?.detail !== after?.detail;
  const written = after
    ? searchTermItems(orgId, record, after).filter((item) => displayChanged || !had.has(item.term))
    : [];
  const removed = [...had].filter((term) => !has.has(term));
  return [
    ...written.map((item) => inTransaction(SearchTermEntity).put(item).commit()),
    ...removed.map((term) =>
      inTransaction(SearchTermEntity)
        .delete({ orgId, ...record, term })
        .commit(),
    ),
  ];
}

/** Term items read per request, per result still missing: a few terms of one record can match the same prefix. */
const itemsPerMissingResult = 2;

/** Requests per record type and search; the last one can leave a search short of `limit` in pathological cases. */
const maxRequestsPerType = 3;

/**
 * Finds records of the organisation whose terms start with the folded query: one strongly consistent Query per
 * record type, in parallel, so a write is findable as soon as it returns. Exact term matches come first, then
 * prefix matches by matched term, record type and id.
 */
export async function search(context: TenantContext, query: SearchQuery): Promise<SearchResults> {
  const prefix = foldSearchText(query.q);
  if (!prefix) return { data: [] }; // only punctuation: no term can match
  const types = query.types ?? searchableRecordTypes;
  const perType = await Promise.all(types.map((type) => bestMatches(context.orgId, type, prefix, query.limit)));
  const results = perType.flat().map((item) => ({ item, match: item.term === prefix ? "exact" : "prefix" }) as const);
  results.sort(
    (a, b) =>
      (a.match === b.match ? 0 : a.match === "exact" ? -1 : 1) ||
      ordinal(a.item.term, b.item.term) ||
      searchableRecordTypes.indexOf(a.item.recordType) - searchableRecordTypes.indexOf(b.item.recordType) ||
      ordinal(a.item.recordId, b.item.recordId),
  );
  return { data: results.slice(0, query.limit).map(({ item, match }) => toResult(item, match)) };
}

/**
 * The first `limit` distinct records of one type whose terms start with `prefix`. Items arrive in key order (term,
 * then record id), so a record's first item is its best match and the records arrive ranked.
 */
async function bestMatches(
  orgId: string,
  recordType: SearchableRecordType,
  prefix: string,
  limit: number,
): Promise<SearchTermItem[]> {
  const best = new Map<string, SearchTermItem>();
  let cursor: string | null = null;
  for (let request = 0; request < maxRequestsPerType && best.size < limit; request++) {
    const page: { data: SearchTermItem[]; cursor: string | null } = await SearchTermEntity.query
      .recordsByTerm({ orgId, recordType })
      .between({ term: prefix }, { term: `${prefix}${afterEveryTerm}` })
      .go({ consistent: true, limit: itemsPerMissingResult * (limit - best.size), cursor });
    for (const item of page.data) if (!best.has(item.recordId)) best.set(item.recordId, item);
    cursor = page.cursor;
    if (!cursor) break;
  }
  return [...best.values()].slice(0, limit);
}

function toResult(item: SearchTermItem, match: SearchResult["match"]): SearchResult {
  return { type: item.recordType, id: item.recordId, label: item.label, detail: item.detail ?? null, match };
}

/**
 * Sorts after any folded term that starts with a given prefix: U+10FFFF has the highest UTF-8 encoding, which is
 * how DynamoDB orders keys, and is no letter or digit, so no term holds it. The BETWEEN it bounds is the same range
 * as a `begins_with` in DynamoDB, but DynamoDB Local reads the whole partition for a `begins_with` that matches
 * fewer items than the limit, which would make local runs and the benchmark misleadingly slow.
 */
const afterEveryTerm = "\u{10FFFF}";

/** Compares as DynamoDB orders keys (by UTF-8 bytes), so merged results keep each type's order. */
const ordinal = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
