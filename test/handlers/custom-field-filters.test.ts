import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aCustomField, aDeal } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type Listed = { firstName?: string; name?: string; title?: string };

/** `?filter=` on `customFields.<key>`: each value compared as its field's type says, inside the record's map. */
describe("filtering lists by custom fields", () => {
  let org: TestOrganisation;
  let gold: string;
  let silver: string;
  let engines: string;
  let looms: string;

  const list = (routeId: "contacts.list" | "companies.list" | "deals.list", query: Record<string, string>) =>
    invoke(routeId, { token: org.admin.token, params: { orgId: org.orgId }, query });
  const namesOf = async (routeId: "contacts.list" | "companies.list" | "deals.list", filter: unknown) => {
    const response = await list(routeId, { filter: JSON.stringify(filter) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data as Listed[]).map((each) => each.firstName ?? each.name ?? each.title).sort();
  };
  const contactsWhere = (...and: unknown[]) => namesOf("contacts.list", { and });
  const problemOf = async (filter: unknown, routeId: "contacts.list" | "deals.list" = "contacts.list") => {
    const response = await list(routeId, { filter: JSON.stringify(filter) });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    return response.body.errors as { path: string; message: string }[];
  };

  beforeAll(async () => {
    org = await anOrganisation();
    const tier = await aCustomField(org, {
      key: "tier",
      type: "singleSelect",
      options: [{ label: "Gold" }, { label: "Silver" }],
    });
    [gold, silver] = tier.options.map((option: { id: string }) => option.id);
    const interests = await aCustomField(org, {
      key: "interests",
      type: "multiSelect",
      options: [{ label: "Engines" }, { label: "Looms" }],
    });
    [engines, looms] = interests.options.map((option: { id: string }) => option.id);
    for (const [key, type] of Object.entries({
      nickname: "text",
      score: "number",
      renewalDate: "date",
      lastCallAt: "dateTime",
      newsletter: "boolean",
      personalEmail: "email",
      accountManager: "member",
    })) {
      await aCustomField(org, { key, type });
    }
    await aCustomField(org, { key: "budget", type: "currency" });
    await aCustomField(org, { key: "retired", type: "text" }).then((field) =>
      invoke("customFields.update", {
        token: org.admin.token,
        params: { orgId: org.orgId, fieldId: field.id },
        body: { archived: true },
      }),
    );

    await aContact(org, {
      firstName: "Ada",
      customFields: {
        tier: gold,
        interests: [engines, looms],
        nickname: "Countess",
        score: 9,
        renewalDate: "2027-03-31",
        lastCallAt: "2026-12-01T10:30:00+01:00",
        newsletter: true,
        personalEmail: "Ada@Example.com",
        accountManager: org.admin.memberId,
        budget: { amount: 1250_00, currency: "EUR" },
      },
    });
    await aContact(org, {
      firstName: "Charles",
      customFields: {
        tier: silver,
        interests: [engines],
        score: 4,
        renewalDate: "2027-01-15",
        newsletter: false,
        budget: { amount: 99_00, currency: "GBP" },
      },
    });
    await aContact(org, { firstName: "Mary" });
  });

  it("compares text, numbers, currency amounts and currencies, dates and date-times as their types say", async () => {
    expect(await contactsWhere({ field: "customFields.nickname", op: "startsWith", value: "Count" })).toEqual(["Ada"]);
    expect(await contactsWhere({ field: "customFields.score", op: "gt", value: 5 })).toEqual(["Ada"]);
    expect(await contactsWhere({ field: "customFields.score", op: "between", value: [1, 10] })).toEqual([
      "Ada",
      "Charles",
    ]);
    expect(await contactsWhere({ field: "customFields.budget", op: "lt", value: 1000_00 })).toEqual(["Charles"]);
    expect(await contactsWhere({ field: "customFields.budget.currency", op: "eq", value: "EUR" })).toEqual(["Ada"]);
    expect(await contactsWhere({ field: "customFields.renewalDate", op: "lte", value: "2027-03-31" })).toEqual([
      "Ada",
      "Charles",
    ]);
    expect(await contactsWhere({ field: "customFields.renewalDate", op: "gt", value: "2027-02-01" })).toEqual(["Ada"]);
    // Stored in UTC: 10:30+01:00 is 09:30Z, and an offset in the filter is converted too.
    expect(
      await contactsWhere({ field: "customFields.lastCallAt", op: "gte", value: "2026-12-01T10:00:00+01:00" }),
    ).toEqual(["Ada"]);
    expect(await contactsWhere({ field: "customFields.lastCallAt", op: "gt", value: "2026-12-01T09:31:00Z" })).toEqual(
      [],
    );
  });

  it("compares booleans, option ids, multi selects, folded emails, members and emptiness", async () => {
    expect(await contactsWhere({ field: "customFields.newsletter", op: "eq", value: true })).toEqual(["Ada"]);
    // A contact without the value is not equal to true either.
    expect(await contactsWhere({ field: "customFields.newsletter", op: "neq", value: true })).toEqual([
      "Charles",
      "Mary",
    ]);
    expect(await contactsWhere({ field: "customFields.newsletter", op: "isEmpty" })).toEqual(["Mary"]);
    expect(await contactsWhere({ field: "customFields.tier", op: "eq", value: silver })).toEqual(["Charles"]);
    expect(await contactsWhere({ field: "customFields.tier", op: "in", value: [gold, silver] })).toEqual([
      "Ada",
      "Charles",
    ]);
    expect(await contactsWhere({ field: "customFields.interests", op: "contains", value: looms })).toEqual(["Ada"]);
    expect(await contactsWhere({ field: "customFields.interests", op: "in", value: [engines] })).toEqual([
      "Ada",
      "Charles",
    ]);
    expect(await contactsWhere({ field: "customFields.interests", op: "isEmpty" })).toEqual(["Mary"]);
    expect(await contactsWhere({ field: "customFields.personalEmail", op: "eq", value: "ADA@example.com" })).toEqual([
      "Ada",
    ]);
    expect(await contactsWhere({ field: "customFields.accountManager", op: "eq", value: org.admin.memberId })).toEqual([
      "Ada",
    ]);
    expect(await contactsWhere({ field: "customFields.nickname", op: "isNotEmpty" })).toEqual(["Ada"]);
  });

  it("combines custom fields with built-in fields and groups, beside the list's own parameters", async () => {
    expect(
      await namesOf("contacts.list", {
        or: [
          { and: [{ field: "customFields.tier", op: "eq", value: gold }] },
          { and: [{ field: "firstName", op: "eq", value: "Mary" }] },
        ],
      }),
    ).toEqual(["Ada", "Mary"]);
    const sorted = await list("contacts.list", {
      filter: JSON.stringify({ and: [{ field: "customFields.score", op: "isNotEmpty" }] }),
      sort: "lastName",
      ownerId: org.admin.memberId,
    });
    expect(sorted.status, JSON.stringify(sorted.body)).toBe(200);
    expect((sorted.body.data as Listed[]).map((each) => each.firstName).sort()).toEqual(["Ada", "Charles"]);
  });

  it("pages a filtered list exactly, the cursor belonging to its filter", async () => {
    const filter = JSON.stringify({ and: [{ field: "customFields.score", op: "gte", value: 0 }] });
    const first = await list("contacts.list", { filter, limit: "1" });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    const second = await list("contacts.list", { filter, limit: "1", cursor: first.body.nextCursor });
    expect(second.status).toBe(200);
    expect([...first.body.data, ...second.body.data].map((each: Listed) => each.firstName).sort()).toEqual([
      "Ada",
      "Charles",
    ]);
  });

  it("filters companies and deals by their own custom fields", async () => {
    await aCustomField(org, { recordType: "company", key: "employees", type: "number" });
    await aCustomField(org, { recordType: "deal", key: "region", type: "text" });
    await aCompany(org, { name: "Globex", customFields: { employees: 5000 } });
    await aCompany(org, { name: "Initech", customFields: { employees: 40 } });
    await aDeal(org, { title: "Northern", customFields: { region: "north" } });
    await aDeal(org, { title: "Southern", customFields: { region: "south" } });
    expect(
      await namesOf("companies.list", { and: [{ field: "customFields.employees", op: "gte", value: 1000 }] }),
    ).toEqual(["Globex"]);
    expect(await namesOf("deals.list", { and: [{ field: "customFields.region", op: "eq", value: "south" }] })).toEqual([
      "Southern",
    ]);
    // A contact's field is no field of a deal.
    const [issue] = await problemOf({ and: [{ field: "customFields.tier", op: "eq", value: gold }] }, "deals.list");
    expect(issue?.path).toBe("query.filter.and.0.field");
  });

  it("refuses an unknown, archived or another organisation's custom field with the condition's place", async () => {
    const other = await anOrganisation();
    await aCustomField(other, { key: "elsewhere", type: "text" });
    const issues = await problemOf({
      or: [
        { and: [{ field: "customFields.nope", op: "eq", value: "x" }] },
        {
          and: [
            { field: "firstName", op: "eq", value: "Ada" },
            { field: "customFields.retired", op: "isEmpty" },
          ],
        },
        { and: [{ field: "customFields.elsewhere", op: "eq", value: "x" }] },
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "query.filter.or.0.and.0.field",
      "query.filter.or.1.and.1.field",
      "query.filter.or.2.and.0.field",
    ]);
    expect(issues[0]?.message).toContain('No custom field "nope"');
  });

  it("refuses operators and values the field's type does not take", async () => {
    const issues = await problemOf({
      and: [
        { field: "customFields.newsletter", op: "gt", value: true },
        { field: "customFields.newsletter", op: "eq", value: "yes" },
        { field: "customFields.renewalDate", op: "lt", value: "31/03/2027" },
        { field: "customFields.score", op: "eq", value: "nine" },
        { field: "customFields.tier", op: "startsWith", value: "opt" },
        { field: "customFields.interests", op: "eq", value: engines },
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "query.filter.and.0.op",
      "query.filter.and.1.value",
      "query.filter.and.2.value",
      "query.filter.and.3.value",
      "query.filter.and.4.op",
      "query.filter.and.5.op",
    ]);
  });

  it("lets every role filter by custom fields, and another organisation's member not at all", async () => {
    const viewer = await org.member("viewer");
    const filter = JSON.stringify({ and: [{ field: "customFields.score", op: "gt", value: 5 }] });
    const seen = await invoke("contacts.list", {
      token: viewer.token,
      params: { orgId: org.orgId },
      query: { filter },
    });
    expect(seen.status).toBe(200);
    expect((seen.body.data as Listed[]).map((each) => each.firstName)).toEqual(["Ada"]);
    const stranger = await anOrganisation();
    const refused = await invoke("contacts.list", {
      token: stranger.admin.token,
      params: { orgId: org.orgId },
      query: { filter },
    });
    expect([403, 404]).toContain(refused.status);
  });

  it("refuses a custom field as a sort order: lists sort only by what an index serves", async () => {
    for (const sort of ["customFields.score", "-customFields.score"]) {
      const response = await list("contacts.list", { sort });
      expect(response.status).toBe(400);
      const [issue] = response.body.errors as { path: string; message: string }[];
      expect(issue?.path).toBe("query.sort");
      expect(issue?.message).toContain("Custom fields are not sort orders");
    }
    const companies = await list("companies.list", { sort: "customFields.employees" });
    expect(companies.status).toBe(400);
    expect(companies.body.errors[0].message).toContain("not sort orders");
  });

  it("saves a view whose filter names custom fields, checked as the list checks it", async () => {
    const saved = await invoke("views.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        name: "Gold customers",
        recordType: "contact",
        filter: { and: [{ field: "customFields.tier", op: "eq", value: gold }] },
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const applied = await list("contacts.list", saved.body.query);
    expect((applied.body.data as Listed[]).map((each) => each.firstName)).toEqual(["Ada"]);

    const refused = await invoke("views.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        name: "By score",
        recordType: "contact",
        filter: { and: [{ field: "customFields.nope", op: "isEmpty" }] },
        sort: "-customFields.score",
      },
    });
    expect(refused.status).toBe(400);
    expect((refused.body.errors as { path: string }[]).map((error) => error.path)).toEqual([
      "body.filter.and.0.field",
      "body.sort",
    ]);
  });
});
