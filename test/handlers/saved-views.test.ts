import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

const vipFilter = { and: [{ field: "tags", op: "contains", value: "vip" }] };

/** Saved views: a named filter, sort and columns of a list, private to a member or shared with the organisation. */
describe("saved views", () => {
  let org: TestOrganisation;
  let member: Person;
  let manager: Person;

  beforeAll(async () => {
    org = await anOrganisation();
    member = await org.member("member");
    manager = await org.member("manager");
    await aContact(org, { firstName: "Ada", tags: ["vip"] });
    await aContact(org, { firstName: "Grace" });
  });

  const create = (person: Person, body: Record<string, unknown>) =>
    invoke("views.create", { token: person.token, params: { orgId: org.orgId }, body });
  const listOf = async (person: Person) =>
    (
      await invoke("views.list", { token: person.token, params: { orgId: org.orgId }, query: { limit: "100" } })
    ).body.data.map((view: { name: string }) => view.name);

  it("saves a view whose query applies it to its list", async () => {
    const saved = await create(member, {
      name: "My VIPs",
      recordType: "contact",
      filter: vipFilter,
      sort: "lastName",
      columns: ["firstName", "emails", "customFields.renewalDate"],
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      name: "My VIPs",
      visibility: "private",
      ownerId: member.memberId,
      filter: vipFilter,
      query: { filter: JSON.stringify(vipFilter), sort: "lastName" },
    });
    const applied = await invoke("contacts.list", {
      token: member.token,
      params: { orgId: org.orgId },
      query: saved.body.query,
    });
    expect(applied.body.data.map((contact: { firstName: string }) => contact.firstName)).toEqual(["Ada"]);
  });

  it("keeps a private view to its owner, and shows a shared one to everyone", async () => {
    const mine = await create(member, { name: "Private to the member", recordType: "deal" });
    const shared = await create(manager, {
      name: "Shared by the manager",
      recordType: "company",
      visibility: "organisation",
    });
    expect(shared.status).toBe(201);
    expect(await listOf(member)).toEqual(expect.arrayContaining(["Private to the member", "Shared by the manager"]));
    expect(await listOf(manager)).not.toContain("Private to the member");
    expect(await listOf(org.admin)).not.toContain("Private to the member");
    const peek = await invoke("views.get", {
      token: manager.token,
      params: { orgId: org.orgId, viewId: mine.body.id },
    });
    expect(peek.status).toBe(404);
  });

  it("lets only managers and admins share, and change or delete a shared view of someone else", async () => {
    expect(
      (await create(member, { name: "Mine for all", recordType: "contact", visibility: "organisation" })).status,
    ).toBe(403);
    const shared = await create(manager, { name: "Team pipeline", recordType: "deal", visibility: "organisation" });
    const params = { orgId: org.orgId, viewId: shared.body.id };
    expect((await invoke("views.update", { token: member.token, params, body: { name: "Mine now" } })).status).toBe(
      403,
    );
    expect((await invoke("views.delete", { token: member.token, params })).status).toBe(403);
    const renamed = await invoke("views.update", {
      token: org.admin.token,
      params,
      body: { name: "Pipeline", sort: null },
    });
    expect(renamed.body).toMatchObject({ name: "Pipeline", version: 2 });
    expect((await invoke("views.delete", { token: org.admin.token, params })).status).toBe(204);
    expect((await invoke("views.get", { token: manager.token, params })).status).toBe(404);
  });

  it("refuses a filter, sort or column its list does not take, naming the place, and saves nothing", async () => {
    const before = await listOf(member);
    const badFilter = await create(member, {
      name: "Bad",
      recordType: "company",
      filter: { and: [{ field: "amount", op: "gt", value: 1 }] },
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].path).toBe("body.filter.and.0.field");
    const badSort = await create(member, { name: "Bad", recordType: "deal", sort: "-createdAt" });
    expect(badSort.body.errors[0].path).toBe("body.sort");
    const badColumn = await create(member, { name: "Bad", recordType: "contact", columns: ["firstName", "salary"] });
    expect(badColumn.body.errors[0].path).toBe("body.columns.1");
    expect(await listOf(member)).toEqual(before);
  });

  it("is a 404 in another organisation", async () => {
    const saved = await create(org.admin, { name: "Ours", recordType: "contact", visibility: "organisation" });
    const other = await anOrganisation("Other");
    const response = await invoke("views.get", {
      token: other.admin.token,
      params: { orgId: other.orgId, viewId: saved.body.id },
    });
    expect(response.status).toBe(404);
  });
});
