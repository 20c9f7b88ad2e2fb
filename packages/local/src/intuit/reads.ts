import {
  type Books,
  type BooksEntity,
  byNumericId,
  day,
  fault,
  type Meta,
  type QboDeletedStub,
  type Realm,
  requiredMissing,
  unsupportedProperty,
} from "./books";
import { parseQboTime, qboTime } from "./qbo-format";
import { likeToRegExp, type ParsedQuery, parseQuery, QueryParserError, type QueryValue } from "./query";

const cdcWindowMs = 30 * day;
const cdcCap = 1000;
const defaultPageSize = 100;
/** QBO's page maximum [verify]; larger MAXRESULTS are cut to it. */
const maxPageSize = 1000;

/** The Accounting API's reads over the books: the query language and Change Data Capture. */
export function createReads(books: Books, now: () => number) {
  const { renderCustomer, renderInvoice, renderPayment, renderItem } = books;

  type EntityTable = {
    name: BooksEntity;
    records: (realm: Realm) => Meta[];
    render: (realm: Realm, record: never) => Record<string, unknown>;
    /** Lower-case queryable properties. */
    queryable: Set<string>;
    /** Names QBO hides from plain queries when inactive. */
    activeByDefault: boolean;
  };
  const metaFields = ["metadata.createtime", "metadata.lastupdatedtime"];
  const tables: Record<string, EntityTable> = {
    customer: {
      name: "Customer",
      records: (realm) => [...realm.customers.values()],
      render: renderCustomer as EntityTable["render"],
      // biome-ignore format: a word list
      queryable: new Set([
        "id", "displayname", "companyname", "givenname", "familyname", "fullyqualifiedname", "primaryemailaddr",
        "active", "balance", ...metaFields,
      ]),
      activeByDefault: true,
    },
    invoice: {
      name: "Invoice",
      records: (realm) => [...realm.invoices.values()],
      render: renderInvoice as EntityTable["render"],
      // biome-ignore format: a word list
      queryable: new Set([
        "id", "docnumber", "txndate", "duedate", "customerref", "totalamt", "balance", "emailstatus", ...metaFields,
      ]),
      activeByDefault: false,
    },
    payment: {
      name: "Payment",
      records: (realm) => [...realm.payments.values()],
      render: renderPayment as EntityTable["render"],
      queryable: new Set(["id", "txndate", "customerref", "totalamt", ...metaFields]),
      activeByDefault: false,
    },
    item: {
      name: "Item",
      records: (realm) => [...realm.items.values()],
      render: renderItem as EntityTable["render"],
      queryable: new Set(["id", "name", "active", "type", "fullyqualifiedname", ...metaFields]),
      activeByDefault: true,
    },
  };

  /** A property by QBO's path (case-insensitive; `Metadata` and `MetaData` alike), refs and addresses by value. */
  const valueAt = (object: Record<string, unknown>, path: string): unknown => {
    let current: unknown = object;
    for (const segment of path.split(".")) {
      if (typeof current !== "object" || current === null) return undefined;
      const key = Object.keys(current).find((candidate) => candidate.toLowerCase() === segment.toLowerCase());
      current = key === undefined ? undefined : (current as Record<string, unknown>)[key];
    }
    if (typeof current === "object" && current !== null) {
      const wrapped = current as Record<string, unknown>;
      return wrapped.value ?? wrapped.Address ?? wrapped.URI ?? wrapped.FreeFormNumber;
    }
    return current;
  };

  const comparable = (realm: Realm, field: string, value: unknown): QueryValue | undefined => {
    if (value === undefined || value === null) return undefined;
    if (field.startsWith("metadata.")) return parseQboTime(String(value), realm.timeZone);
    if (typeof value === "number" || typeof value === "boolean") return value;
    return String(value);
  };

  const compare = (left: QueryValue, right: QueryValue) => {
    if (typeof left === "number" || typeof right === "number") return Number(left) - Number(right);
    if (typeof left === "boolean" || typeof right === "boolean") return String(left) === String(right) ? 0 : 1;
    return left.localeCompare(right);
  };

  const runQuery = (realm: Realm, queryText: string): Record<string, unknown> => {
    let parsed: ParsedQuery;
    try {
      parsed = parseQuery(queryText);
    } catch (error) {
      if (error instanceof QueryParserError) throw fault("4000", "Error parsing query", error.message);
      throw error;
    }
    const table = tables[parsed.entity.toLowerCase()];
    if (!table) {
      throw fault("4001", "Invalid query", `QueryValidationError: Invalid context declaration : ${parsed.entity}`);
    }
    const fields = [...parsed.conditions.map((c) => c.field), ...parsed.orderBy.map((o) => o.field)];
    for (const field of fields) {
      if (!table.queryable.has(field.toLowerCase())) {
        throw fault("4001", "Invalid query", `QueryValidationError: property '${field}' is not queryable`);
      }
    }
    const conditions = [...parsed.conditions];
    if (table.activeByDefault && !conditions.some((condition) => condition.field.toLowerCase() === "active")) {
      conditions.push({ field: "Active", operator: "=", value: true });
    }
    const rendered = table
      .records(realm)
      .sort(byNumericId)
      .map((record) => table.render(realm, record as never));
    const matching = rendered.filter((entity) =>
      conditions.every((condition) => {
        const field = condition.field.toLowerCase();
        const actual = comparable(realm, field, valueAt(entity, condition.field));
        if (actual === undefined) return false;
        if (condition.operator === "LIKE") return likeToRegExp(condition.pattern).test(String(actual));
        const expected = (value: QueryValue) =>
          field.startsWith("metadata.") ? parseQboTime(String(value), realm.timeZone) : value;
        if (condition.operator === "IN")
          return condition.values.some((value) => compare(actual, expected(value)) === 0);
        const difference = compare(actual, expected(condition.value));
        switch (condition.operator) {
          case "=":
            return difference === 0;
          case "!=":
            return difference !== 0;
          case "<":
            return difference < 0;
          case ">":
            return difference > 0;
          case "<=":
            return difference <= 0;
          case ">=":
            return difference >= 0;
        }
        return false;
      }),
    );
    if (parsed.orderBy.length > 0) {
      matching.sort((a, b) => {
        for (const { field, descending } of parsed.orderBy) {
          const left = comparable(realm, field.toLowerCase(), valueAt(a, field));
          const right = comparable(realm, field.toLowerCase(), valueAt(b, field));
          if (left === undefined || right === undefined) continue;
          const difference = field.toLowerCase() === "id" ? Number(left) - Number(right) : compare(left, right);
          if (difference !== 0) return descending ? -difference : difference;
        }
        return 0;
      });
    }
    if (parsed.count) return { QueryResponse: { totalCount: matching.length } };
    const startPosition = Math.max(1, parsed.startPosition ?? 1);
    const maxResults = Math.min(maxPageSize, Math.max(1, parsed.maxResults ?? defaultPageSize));
    const page = matching.slice(startPosition - 1, startPosition - 1 + maxResults).map((entity) => {
      if (!parsed.fields) return entity;
      const picked: Record<string, unknown> = { domain: "QBO", sparse: true };
      for (const field of parsed.fields) {
        const key = Object.keys(entity).find(
          (candidate) => candidate.toLowerCase() === field.split(".")[0]?.toLowerCase(),
        );
        if (key !== undefined) picked[key] = entity[key];
      }
      return picked;
    });
    // QBO leaves everything out of QueryResponse when nothing matches.
    if (page.length === 0) return { QueryResponse: {} };
    return { QueryResponse: { [table.name]: page, startPosition, maxResults: page.length } };
  };

  const runCdc = (realm: Realm, query: URLSearchParams): Record<string, unknown> => {
    const entitiesParameter = query.get("entities");
    if (!entitiesParameter) throw requiredMissing("entities");
    const changedSinceText = query.get("changedSince");
    if (!changedSinceText) throw requiredMissing("changedSince");
    const changedSince = parseQboTime(changedSinceText, realm.timeZone);
    if (Number.isNaN(changedSince))
      throw unsupportedProperty(`changedSince: Cannot parse date value '${changedSinceText}'`);
    if (changedSince < now() - cdcWindowMs) {
      throw fault(
        "500",
        "Unsupported Operation",
        `Operation cdc with changedSince date ${changedSinceText} which is older than fixed days is not supported.`,
      );
    }
    const requested = entitiesParameter
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const chosen: EntityTable[] = [];
    for (const name of requested) {
      const table = tables[name.toLowerCase()];
      if (!table) throw fault("4001", "Invalid query", `QueryValidationError: Invalid context declaration : ${name}`);
      if (!chosen.includes(table)) chosen.push(table);
    }
    type Changed = { table: EntityTable; at: number; id: string; body: Record<string, unknown> };
    const changed: Changed[] = [];
    for (const table of chosen) {
      for (const record of table.records(realm)) {
        if (record.updatedAt < changedSince) continue;
        const body = table.render(realm, record as never);
        changed.push({ table, at: record.updatedAt, id: String(body.Id), body });
      }
      for (const tombstone of realm.tombstones) {
        if (tombstone.entity !== table.name || tombstone.deletedAt < changedSince) continue;
        const stub: QboDeletedStub = {
          domain: "QBO",
          status: "Deleted",
          Id: tombstone.id,
          MetaData: { LastUpdatedTime: qboTime(tombstone.deletedAt, realm.timeZone) },
        };
        changed.push({ table, at: tombstone.deletedAt, id: tombstone.id, body: stub });
      }
    }
    // One shared cap across the entities; the oldest changes are the ones kept, so a caller can continue from them.
    changed.sort((a, b) => a.at - b.at || Number(a.id) - Number(b.id));
    const kept = changed.slice(0, cdcCap);
    return {
      CDCResponse: [
        {
          QueryResponse: chosen.map((table) => {
            const objects = kept.filter((entry) => entry.table === table).map((entry) => entry.body);
            if (objects.length === 0) return {};
            return { [table.name]: objects, startPosition: 1, maxResults: objects.length, totalCount: objects.length };
          }),
        },
      ],
    };
  };

  return { tables, runQuery, runCdc };
}
