import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact } from "../support/builders";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

type Contact = { id: string; firstName: string | null; title: string | null; createdAt: string };

/** `GET …/contacts?filter=`: the one filter grammar, on the contacts list. */
describe("filtering contacts", () => {
  let org: TestOrganisation;
  let seller: Person;
  let companyId: string;
  let middle: string;

  beforeAll(async () => {
    org = await anOrganisation();
    seller = await org.member("member");
    companyId = (await aCompany(org, { name: "Globex" })).id;
    const people = [
      { firstName: "Ada", title: "CTO", tags: ["vip"], emails: ["ada@globex.example"], companyId },
      { firstName: "Alan", title: "Engineer", tags: ["vip", "beta"], companyId },
      { firstName: "Grace", tags: ["beta"] },
      { firstName: "Linus", title: "Engineer", tags: [] },
      { firstName: "Margaret", title: "CEO", tags: ["VIP"] },
    ];
    for (const [index, person] of people.entries()) {
      const created = await aContact(org, person, index % 2 === 0 ? seller.token : org.admin.token);
      if (index === 2) middle = created.createdAt;
    }
  });

  const list = (filter: unknown, query: Record<string, string> = {}) =>
    invoke("contacts.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { filter: typeof filter === "string" ? filter : JSON.stringify(filter), ...query },
    });
  const names = async (filter: unknown, query: Record<string, string> = {}) => {
    const response = await list(filter, query);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data as Contact[]).map((contact) => contact.firstName).sort();
  };

  it("keeps the contacts for which every condition of a group holds", async () => {
    expect(await names({ and: [{ field: "tags", op: "contains", value: "vip" }] })).toEqual([
      "Ada",
      "Alan",
      "Margaret",
    ]);
    expect(
      await names({
        and: [
          { field: "tags", op: "contains", value: "VIP" }, // tags are folded, as stored
          { field: "title", op: "eq", value: "Engineer" },
        ],
      }),
    ).toEqual(["Alan"]);
  });

  it("keeps the contacts of any group of `or`", async () => {
    expect(
      await names({
        or: [{ and: [{ field: "title", op: "startsWith", value: "C" }] }, { and: [{ field: "tags", op: "isEmpty" }] }],
      }),
    ).toEqual(["Ada", "Linus", "Margaret"]);
  });

  it("combines with the list's own parameters, an `or` kept apart from them", async () => {
    const titled = {
      or: [
        { and: [{ field: "title", op: "startsWith", value: "C" }] },
        { and: [{ field: "title", op: "eq", value: "Engineer" }] },
      ],
    };
    expect(await names(titled, { tag: "vip" })).toEqual(["Ada", "Alan", "Margaret"]);
    expect(await names(titled, { tag: "beta" })).toEqual(["Alan"]);
    expect(await names({ and: [{ field: "title", op: "neq", value: "CTO" }] }, { tag: "vip" })).toEqual([
      "Alan",
      "Margaret",
    ]);
  });

  it("compares with every operator: neq, in, ranges, contains, startsWith, empty and not", async () => {
    expect(await names({ and: [{ field: "title", op: "neq", value: "Engineer" }] })).toEqual([
      "Ada",
      "Grace",
      "Margaret",
    ]);
    expect(await names({ and: [{ field: "firstName", op: "in", value: ["Ada", "Linus", "Nobody"] }] })).toEqual([
      "Ada",
      "Linus",
    ]);
    expect(await names({ and: [{ field: "tags", op: "in", value: ["beta", "none"] }] })).toEqual(["Alan", "Grace"]);
    expect(await names({ and: [{ field: "firstName", op: "lt", value: "B" }] })).toEqual(["Ada", "Alan"]);
    expect(await names({ and: [{ field: "firstName", op: "gte", value: "L" }] })).toEqual(["Linus", "Margaret"]);
    expect(await names({ and: [{ field: "firstName", op: "between", value: ["Alan", "Linus"] }] })).toEqual([
      "Alan",
      "Grace",
      "Linus",
    ]);
    expect(await names({ and: [{ field: "firstName", op: "contains", value: "ar" }] })).toEqual(["Margaret"]);
    expect(await names({ and: [{ field: "emails", op: "contains", value: "ADA@globex.example" }] })).toEqual(["Ada"]);
    expect(await names({ and: [{ field: "title", op: "isEmpty" }] })).toEqual(["Grace"]);
    expect(await names({ and: [{ field: "title", op: "isNotEmpty" }] })).toEqual(["Ada", "Alan", "Linus", "Margaret"]);
    expect(await names({ and: [{ field: "createdAt", op: "gt", value: middle }] })).toEqual(["Linus", "Margaret"]);
    expect(await names({ and: [{ field: "ownerId", op: "eq", value: seller.memberId }] })).toEqual([
      "Ada",
      "Grace",
      "Margaret",
    ]);
    expect(await names({ and: [{ field: "companyId", op: "eq", value: companyId }] }, { sort: "lastName" })).toEqual([
      "Ada",
      "Alan",
    ]);
  });

  it("pages through a filtered list exactly: each contact once, however the pages fall", async () => {
    const filter = JSON.stringify({ and: [{ field: "title", op: "isNotEmpty" }] });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await list(filter, { limit: "1", ...(cursor ? { cursor } : {}) });
      seen.push(...(response.body.data as Contact[]).map((contact) => contact.firstName as string));
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual(["Ada", "Alan", "Linus", "Margaret"]);
    // A cursor belongs to its filter.
    const first = await list(filter, { limit: "1" });
    const other = await list({ and: [{ field: "title", op: "isEmpty" }] }, { cursor: first.body.nextCursor });
    expect(other.status).toBe(400);
  });

  it.each([
    ["not JSON", "{tags:vip}", "query.filter"],
    ["neither a group nor groups", { field: "tags", op: "contains", value: "vip" }, "query.filter"],
    [
      "a field the list does not filter on",
      { and: [{ field: "salary", op: "eq", value: "1" }] },
      "query.filter.and.0.field",
    ],
    [
      "an operator the field does not take",
      { and: [{ field: "ownerId", op: "contains", value: "x" }] },
      "query.filter.and.0.op",
    ],
    [
      "a value of the wrong kind",
      { and: [{ field: "createdAt", op: "gt", value: "yesterday" }] },
      "query.filter.and.0.value",
    ],
    [
      "a value where none is taken",
      { and: [{ field: "title", op: "isEmpty", value: "x" }] },
      "query.filter.and.0.value",
    ],
    [
      "a range that is not a pair",
      { and: [{ field: "firstName", op: "between", value: ["A"] }] },
      "query.filter.and.0.value",
    ],
    [
      "more than 5 groups",
      { or: Array.from({ length: 6 }, () => ({ and: [{ field: "title", op: "isEmpty" }] })) },
      "query.filter",
    ],
    [
      "more than 6 conditions in a group",
      { and: Array.from({ length: 7 }, () => ({ field: "title", op: "isEmpty" })) },
      "query.filter",
    ],
  ])("refuses %s with 400 naming the place", async (_, filter, path) => {
    const response = await list(filter);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.path).toMatch(new RegExp(`^${path.replaceAll(".", "\\.")}`));
  });
});
