/**
 * A practical subset of QBO's query language:
 * `SELECT * | COUNT(*) | field, … FROM <Entity> [WHERE cond [AND cond]…] [ORDERBY field [ASC|DESC], …]
 *  [STARTPOSITION n] [MAXRESULTS m]`, where cond is `field (=|<|>|<=|>=|!=) value`, `field IN (value, …)` or
 * `field LIKE '%text%'`. Keywords are case-insensitive; QBO has no OR.
 */

export type QueryValue = string | number | boolean;

export type QueryCondition =
  | { field: string; operator: "=" | "<" | ">" | "<=" | ">=" | "!="; value: QueryValue }
  | { field: string; operator: "IN"; values: QueryValue[] }
  | { field: string; operator: "LIKE"; pattern: string };

export type ParsedQuery = {
  entity: string;
  /** undefined for `*`. */
  fields: string[] | undefined;
  count: boolean;
  conditions: QueryCondition[];
  orderBy: { field: string; descending: boolean }[];
  startPosition: number | undefined;
  maxResults: number | undefined;
};

type Token = { kind: "word" | "string" | "number" | "symbol"; text: string; value: string; column: number };

/** Why a query does not parse, in QBO's "QueryParserError: Encountered …" wording. */
export class QueryParserError extends Error {}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|'((?:\\'|''|[^'])*)'|(-?\d+(?:\.\d+)?)(?![A-Za-z_])|([A-Za-z_][A-Za-z0-9_.]*)|(<=|>=|!=|<>|[=<>(),*])/y;
  let position = 0;
  while (position < query.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(query);
    if (!match) {
      throw new QueryParserError(
        `QueryParserError: Encountered " "${query[position]}" at line 1, column ${position + 1}.`,
      );
    }
    const column = position + 1;
    position = pattern.lastIndex;
    if (match[1] !== undefined) {
      tokens.push({ kind: "string", text: match[0], value: match[1].replace(/\\'|''/g, "'"), column });
    } else if (match[2] !== undefined) {
      tokens.push({ kind: "number", text: match[2], value: match[2], column });
    } else if (match[3] !== undefined) {
      tokens.push({ kind: "word", text: match[3], value: match[3], column });
    } else if (match[4] !== undefined) {
      tokens.push({ kind: "symbol", text: match[4], value: match[4] === "<>" ? "!=" : match[4], column });
    }
  }
  return tokens;
}

/** Parses a query; throws QueryParserError with QBO-style detail. */
export function parseQuery(query: string): ParsedQuery {
  const tokens = tokenize(query);
  let index = 0;
  const peek = () => tokens[index];
  const fail = (expected: string): never => {
    const token = peek();
    throw new QueryParserError(
      token
        ? `QueryParserError: Encountered " ${token.kind === "word" ? "<ID>" : `"${token.text}"`} "${token.text} "" at line 1, column ${token.column}. Was expecting: ${expected}`
        : `QueryParserError: Encountered "<EOF>" at line 1, column ${query.length + 1}. Was expecting: ${expected}`,
    );
  };
  const isKeyword = (word: string) => peek()?.kind === "word" && peek()?.text.toUpperCase() === word;
  const keyword = (word: string) => {
    if (!isKeyword(word)) fail(`"${word.toLowerCase()}"`);
    index += 1;
  };
  const symbol = (text: string) => {
    if (peek()?.kind !== "symbol" || peek()?.value !== text) fail(`"${text}"`);
    index += 1;
  };
  const identifier = () => {
    const token = peek();
    if (token?.kind !== "word") return fail("<ID>");
    index += 1;
    return token.text;
  };
  const value = (): QueryValue => {
    const token = peek();
    if (!token) return fail("<STRING>");
    index += 1;
    if (token.kind === "string") return token.value;
    if (token.kind === "number") return Number(token.value);
    if (token.kind === "word" && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === "true";
    index -= 1;
    return fail("<STRING>");
  };
  const integer = () => {
    const token = peek();
    if (token?.kind !== "number" || !/^\d+$/.test(token.value)) return fail("<INTEGER>");
    index += 1;
    return Number(token.value);
  };

  keyword("SELECT");
  let fields: string[] | undefined;
  let count = false;
  if (peek()?.value === "*") {
    index += 1;
  } else if (isKeyword("COUNT")) {
    index += 1;
    symbol("(");
    symbol("*");
    symbol(")");
    count = true;
  } else {
    fields = [identifier()];
    while (peek()?.value === ",") {
      index += 1;
      fields.push(identifier());
    }
  }
  keyword("FROM");
  const entity = identifier();
  const conditions: QueryCondition[] = [];
  if (isKeyword("WHERE")) {
    index += 1;
    do {
      const field = identifier();
      const operator = peek();
      if (operator?.kind === "symbol" && ["=", "<", ">", "<=", ">=", "!="].includes(operator.value)) {
        index += 1;
        conditions.push({ field, operator: operator.value as "=", value: value() });
      } else if (isKeyword("IN")) {
        index += 1;
        symbol("(");
        const values = [value()];
        while (peek()?.value === ",") {
          index += 1;
          values.push(value());
        }
        symbol(")");
        conditions.push({ field, operator: "IN", values });
      } else if (isKeyword("LIKE")) {
        index += 1;
        const pattern = value();
        if (typeof pattern !== "string") fail("<STRING>");
        conditions.push({ field, operator: "LIKE", pattern: String(pattern) });
      } else {
        fail('"=", "<", ">", "<=", ">=", "!=", "in", "like"');
      }
      if (!isKeyword("AND")) break;
      index += 1;
    } while (index < tokens.length);
  }
  const orderBy: ParsedQuery["orderBy"] = [];
  if (isKeyword("ORDERBY") || isKeyword("ORDER")) {
    if (isKeyword("ORDER")) {
      index += 1;
      keyword("BY");
    } else {
      index += 1;
    }
    do {
      const field = identifier();
      let descending = false;
      if (isKeyword("DESC") || isKeyword("ASC")) {
        descending = isKeyword("DESC");
        index += 1;
      }
      orderBy.push({ field, descending });
      if (peek()?.value !== ",") break;
      index += 1;
    } while (index < tokens.length);
  }
  let startPosition: number | undefined;
  let maxResults: number | undefined;
  while (index < tokens.length) {
    if (isKeyword("STARTPOSITION") && startPosition === undefined) {
      index += 1;
      startPosition = integer();
    } else if (isKeyword("MAXRESULTS") && maxResults === undefined) {
      index += 1;
      maxResults = integer();
    } else {
      fail('"startposition", "maxresults", <EOF>');
    }
  }
  return { entity, fields, count, conditions, orderBy, startPosition, maxResults };
}

/** A LIKE pattern as a case-insensitive regular expression; QBO's only wildcard is `%`. */
export function likeToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("%")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "is");
}
