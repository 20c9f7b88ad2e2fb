import { contactFilterFields } from "@crm/core/contact";
import { dealFilterFields } from "@crm/core/deal";
import { evaluateFilter, type Filter, type FilterCatalogue } from "@crm/core/filter";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

/**
 * One grammar, two evaluators: the FilterExpression a list sends to DynamoDB and the in-memory evaluation that
 * automation rules use must keep the same records. fast-check draws filters over each catalogue from values the
 * records hold (and a few they do not), and both answers are compared record for record.
 */

type Values = Record<string, unknown>;
const seed = Number(process.env.FILTER_AGREEMENT_SEED ?? 20_260_115);

/** Every record a list holds, read through its pages. */
async function everything(org: TestOrganisation, routeId: "contacts.list" | "deals.list", filter?: Filter) {
  const records: Values[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const response = await invoke(routeId, {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { limit: "100", ...(filter ? { filter: JSON.stringify(filter) } : {}), ...(cursor ? { cursor } : {}) },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    records.push(...(response.body.data as Values[]));
    cursor = response.body.nextCursor ?? undefined;
    if (!cursor) return records;
  }
  throw new Error("more pages than expected");
}

/** A filter over the catalogue whose values come from the records (so that conditions match some of them). */
function filters(catalogue: FilterCatalogue, records: Values[]): fc.Arbitrary<Filter> {
  const seen = (field: string, fallback: unknown) => {
    const values = records.flatMap((record) => {
      const value = record[field];
      return Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    });
    return values.length > 0 ? values : [fallback];
  };
  const condition = fc.constantFrom(...Object.entries(catalogue)).chain(([field, spec]) => {
    const pool = seen(field, spec.kind === "timestamp" ? "2026-01-01" : spec.kind === "number" ? 0 : "none");
    const one: fc.Arbitrary<unknown> =
      spec.kind === "number"
        ? fc.oneof(fc.constantFrom(...pool), fc.integer({ min: 0, max: 10_000_000 }))
        : spec.kind === "text"
          ? fc.oneof(
              fc.constantFrom(...pool),
              fc.constantFrom(...pool).map((value) => String(value).slice(0, 2) || "x"),
              fc.constantFrom("A", "M", "Z", "a", "é"),
            )
          : fc.constantFrom(...pool, ...(spec.kind === "timestamp" ? ["2020-01-01", "2099-12-31"] : ["other"]));
    const ops =
      spec.kind === "list"
        ? (["contains", "in", "isEmpty", "isNotEmpty"] as const)
        : spec.kind === "id"
          ? (["eq", "neq", "in", "isEmpty", "isNotEmpty"] as const)
          : spec.kind === "text"
            ? (["eq", "neq", "in", "lt", "gte", "between", "contains", "startsWith", "isEmpty", "isNotEmpty"] as const)
            : spec.kind === "timestamp"
              ? (["eq", "neq", "lt", "lte", "gt", "gte", "between", "isEmpty", "isNotEmpty"] as const)
              : (["eq", "neq", "in", "lt", "lte", "gt", "gte", "between", "isEmpty", "isNotEmpty"] as const);
    return fc.constantFrom(...ops).chain((op) => {
      const value: fc.Arbitrary<unknown> =
        op === "isEmpty" || op === "isNotEmpty"
          ? fc.constant(undefined)
          : op === "in"
            ? fc.array(one, { minLength: 1, maxLength: 3 })
            : op === "between"
              ? fc.tuple(one, one).map(([a, b]) => ((a as string | number) <= (b as string | number) ? [a, b] : [b, a]))
              : one;
      return value.map((each) => (each === undefined ? { field, op } : { field, op, value: each }));
    });
  });
  const group = fc.array(condition, { minLength: 1, maxLength: 3 }).map((and) => ({ and }));
  return fc.oneof(
    group,
    fc.array(group, { minLength: 2, maxLength: 3 }).map((or) => ({ or })),
  ) as fc.Arbitrary<Filter>;
}

async function agree(
  org: TestOrganisation,
  routeId: "contacts.list" | "deals.list",
  catalogue: FilterCatalogue,
  flatten: (record: Values) => Values = (record) => record,
) {
  const all = await everything(org, routeId);
  await fc.assert(
    fc.asyncProperty(filters(catalogue, all.map(flatten)), async (filter) => {
      const expected = all
        .filter((record) => {
          const evaluation = evaluateFilter(catalogue, filter, flatten(record));
          if ("issues" in evaluation) throw new Error(JSON.stringify(evaluation.issues));
          return evaluation.holds;
        })
        .map((record) => record.id)
        .sort();
      const listed = (await everything(org, routeId, filter)).map((record) => record.id).sort();
      expect(listed).toEqual(expected);
    }),
    { seed, numRuns: 60 },
  );
}

describe("a filter keeps the same records in DynamoDB and in memory", () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await anOrganisation();
    const member = await org.member("member");
    const globex = (await aCompany(org, { name: "Globex" })).id;
    const people = [
      { firstName: "Ada", lastName: "Lovelace", title: "CTO", tags: ["vip"], emails: ["ada@globex.example"] },
      { firstName: "Alan", title: "Engineer", tags: ["vip", "beta"], companyId: globex, phones: ["+44 20 1234"] },
      { firstName: "Grace", lastName: "Hopper", tags: ["beta"] },
      { firstName: "Émile", title: "Engineer", emails: ["emile@example.test", "e@example.test"] },
      { lastName: "Anonymous", companyId: globex },
      { firstName: "Margaret", lastName: "Hamilton", title: "CEO", tags: ["VIP", "apollo"] },
    ];
    for (const [index, person] of people.entries()) {
      await aContact(org, person, index % 2 === 0 ? member.token : org.admin.token);
    }
    const deals = [
      { title: "Small", value: { amount: 500_00, currency: "EUR" }, companyId: globex },
      { title: "Medium", value: { amount: 5_000_00, currency: "USD" }, tags: ["key"] },
      { title: "Large", value: { amount: 50_000_00, currency: "EUR" }, expectedCloseDate: "2026-09-30" },
      { title: "Zero", value: { amount: 0, currency: "GBP" }, tags: ["key", "risk"] },
    ];
    for (const [index, deal] of deals.entries()) {
      await aDeal(org, deal, index % 2 === 0 ? member.token : org.admin.token);
    }
  });

  it("on contacts: text, lists (folded and not), ids and timestamps", async () => {
    await agree(org, "contacts.list", contactFilterFields);
  }, 120_000);

  it("on deals: amounts, currencies, stages, tags and dates (the record flattened as rules see it)", async () => {
    await agree(org, "deals.list", dealFilterFields, (deal) => ({
      ...deal,
      ...(deal.value as { amount: number; currency: string }),
    }));
  }, 120_000);
});
