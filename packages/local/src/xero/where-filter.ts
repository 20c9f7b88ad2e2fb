import { parseXeroDate } from "./xero-http";

/** A record as the API shows it (`{ContactID, Name, Contact: {…}, …}`), which the filter reads by path. */
type ApiRecord = Record<string, unknown>;

export type WhereFilter = (record: ApiRecord) => boolean;

/** The `where` clause could not be read; the API answers 400 QueryParseException. */
export class WhereParseError extends Error {
  override readonly name = "WhereParseError";
}

type Value = string | number | boolean | null;

const comparison =
  /^\s*([A-Za-z][\w.]*)\s*(==|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?|Guid\("([^"]*)"\)|DateTime\(\s*(\d+(?:\s*,\s*\d+){2,5})\s*\))\s*/i;
const method = /^\s*([A-Za-z][\w.]*)\.(Contains|StartsWith|EndsWith)\(\s*"((?:[^"\\]|\\.)*)"\s*\)\s*/;
const connector = /^(AND|&&|OR|\|\|)\s*/i;

const unquote = (text: string) => text.slice(1, -1).replace(/\\(.)/g, "$1");

function literal(token: string, guid: string | undefined, dateParts: string | undefined): Value {
  if (guid !== undefined) return guid.toLowerCase();
  if (dateParts !== undefined) {
    const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = dateParts.split(",").map(Number);
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }
  if (token.startsWith('"')) return unquote(token);
  if (/^true$/i.test(token)) return true;
  if (/^false$/i.test(token)) return false;
  if (/^null$/i.test(token)) return null;
  return Number(token);
}

function read(record: ApiRecord, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Strings compare without case (as Xero's text fields do); `/Date(…)/` values compare as instants. */
function normalise(value: unknown, against: Value): Value | undefined {
  if (value === undefined) return null;
  if (typeof against === "number" && typeof value === "string") return parseXeroDate(value) ?? Number(value);
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  return undefined;
}

/**
 * A subset of Xero's `where` syntax: `Path == "text"`, `!=`, `>`, `>=`, `<`, `<=` against strings, numbers, true,
 * false, null, `Guid("…")` and `DateTime(y, m, d[, h, m, s])`; `Path.Contains("…")`, `StartsWith`, `EndsWith`;
 * joined by AND / && and OR / || (AND binds tighter).
 */
export function parseWhere(clause: string): WhereFilter {
  const groups: WhereFilter[][] = [[]];
  let rest = clause.trim();
  if (rest === "") return () => true;
  while (rest.length > 0) {
    const compared = comparison.exec(rest);
    const called = compared ? undefined : method.exec(rest);
    if (compared) {
      const [whole, path = "", operator = "==", token = "", guid, dateParts] = compared;
      const expected = literal(token, guid, dateParts);
      const wanted = typeof expected === "string" ? expected.toLowerCase() : expected;
      (groups.at(-1) as WhereFilter[]).push((record) => {
        const actual = normalise(read(record, path), wanted);
        if (actual === undefined) return false;
        if (operator === "==") return actual === wanted;
        if (operator === "!=") return actual !== wanted;
        if (actual === null || wanted === null) return false;
        if (operator === ">") return actual > wanted;
        if (operator === ">=") return actual >= wanted;
        if (operator === "<") return actual < wanted;
        return actual <= wanted;
      });
      rest = rest.slice(whole.length);
    } else if (called) {
      const [whole, path = "", name = "", argument = ""] = called;
      const needle = unquote(`"${argument}"`).toLowerCase();
      (groups.at(-1) as WhereFilter[]).push((record) => {
        const actual = read(record, path);
        if (typeof actual !== "string") return false;
        const haystack = actual.toLowerCase();
        if (name === "Contains") return haystack.includes(needle);
        if (name === "StartsWith") return haystack.startsWith(needle);
        return haystack.endsWith(needle);
      });
      rest = rest.slice(whole.length);
    } else {
      throw new WhereParseError(`Unrecognised expression at: ${rest.slice(0, 40)}`);
    }
    if (rest.length === 0) break;
    const joined = connector.exec(rest);
    if (!joined) throw new WhereParseError(`Expected AND or OR at: ${rest.slice(0, 40)}`);
    if (/^(OR|\|\|)$/i.test(joined[1] as string)) groups.push([]);
    rest = rest.slice(joined[0].length);
    if (rest.length === 0) throw new WhereParseError("The expression ends with a connector.");
  }
  return (record) => groups.some((group) => group.every((test) => test(record)));
}
