import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aDeal } from "../support/builders";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

/** The filter grammar of test/handlers/contact-filters.test.ts, on the companies' and the deals' lists. */
describe("filtering companies and deals", () => {
  let org: TestOrganisation;
  let seller: Person;
  let globex: string;

  beforeAll(async () => {
    org = await anOrganisation();
    seller = await org.member("member");
    globex = (await aCompany(org, { name: "Globex", industry: "Manufacturing", tags: ["key"] })).id;
    await aCompany(org, { name: "Initech", industry: "Software" }, seller.token);
    await aCompany(org, { name: "Umbrella", tags: ["Key", "risk"] });
    await aDeal(org, { title: "Small", value: { amount: 500_00, currency: "EUR" }, companyId: globex });
    await aDeal(org, { title: "Medium", value: { amount: 5_000_00, currency: "USD" } }, seller.token);
    await aDeal(org, {
      title: "Large",
      value: { amount: 50_000_00, currency: "EUR" },
      companyId: globex,
      tags: ["key"],
    });
  });

  const namesOf = async (
    routeId: "companies.list" | "deals.list",
    filter: unknown,
    query: Record<string, string> = {},
  ) => {
    const response = await invoke(routeId, {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { filter: JSON.stringify(filter), ...query },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data as { name?: string; title?: string }[]).map((each) => each.name ?? each.title).sort();
  };

  it("filters companies by text, tags (folded), emptiness and owner", async () => {
    expect(await namesOf("companies.list", { and: [{ field: "industry", op: "eq", value: "Software" }] })).toEqual([
      "Initech",
    ]);
    expect(await namesOf("companies.list", { and: [{ field: "tags", op: "contains", value: "KEY" }] })).toEqual([
      "Globex",
      "Umbrella",
    ]);
    expect(await namesOf("companies.list", { and: [{ field: "industry", op: "isEmpty" }] })).toEqual(["Umbrella"]);
    expect(
      await namesOf("companies.list", {
        or: [
          { and: [{ field: "ownerId", op: "eq", value: seller.memberId }] },
          { and: [{ field: "name", op: "startsWith", value: "Umb" }] },
        ],
      }),
    ).toEqual(["Initech", "Umbrella"]);
    expect(
      await namesOf(
        "companies.list",
        { and: [{ field: "ownerId", op: "eq", value: seller.memberId }] },
        { sort: "name" },
      ),
    ).toEqual(["Initech"]);
  });

  it("filters deals by amount ranges, currency, company and owner, beside the list's own parameters", async () => {
    expect(await namesOf("deals.list", { and: [{ field: "amount", op: "gte", value: 5_000_00 }] })).toEqual([
      "Large",
      "Medium",
    ]);
    expect(await namesOf("deals.list", { and: [{ field: "amount", op: "between", value: [0, 10_000_00] }] })).toEqual([
      "Medium",
      "Small",
    ]);
    expect(await namesOf("deals.list", { and: [{ field: "currency", op: "in", value: ["USD", "GBP"] }] })).toEqual([
      "Medium",
    ]);
    expect(await namesOf("deals.list", { and: [{ field: "companyId", op: "eq", value: globex }] })).toEqual([
      "Large",
      "Small",
    ]);
    expect(
      await namesOf("deals.list", { and: [{ field: "amount", op: "lt", value: 1_000_00 }] }, { companyId: globex }),
    ).toEqual(["Small"]);
    expect(await namesOf("deals.list", { and: [{ field: "ownerId", op: "eq", value: seller.memberId }] })).toEqual([
      "Medium",
    ]);
    expect(
      await namesOf("deals.list", { and: [{ field: "amount", op: "neq", value: 500_00 }] }, { tag: "key" }),
    ).toEqual(["Large"]);
  });

  it("refuses what a field's kind does not take, naming the place", async () => {
    const refused = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { filter: JSON.stringify({ or: [{ and: [{ field: "amount", op: "gt", value: "5000" }] }] }) },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe("query.filter.or.0.and.0.value");
    const company = await invoke("companies.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { filter: JSON.stringify({ and: [{ field: "amount", op: "eq", value: 1 }] }) },
    });
    expect(company.body.errors[0].path).toBe("query.filter.and.0.field");
  });
});
