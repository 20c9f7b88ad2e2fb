import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal, anActivity } from "../support/builders";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

type Task = { subject: string };

const hour = 3_600_000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();

/** `GET …/tasks?filter=` and `GET …/tasks/overdue?filter=`: the grammar of the other lists, on the task lists. */
describe("filtering tasks", () => {
  let org: TestOrganisation;
  let seller: Person;
  let dealId: string;

  beforeAll(async () => {
    org = await anOrganisation();
    seller = await org.member("member");
    const contactId = (await aContact(org)).id;
    dealId = (await aDeal(org, { title: "Engines" })).id;
    const task = (subject: string, extra: Record<string, unknown>, token = seller.token) =>
      anActivity(org, { type: "task", subject, contactIds: [contactId], ...extra }, token);
    await task("Call back", { dueAt: at(-48 * hour), priority: "high", dealIds: [dealId] });
    await task("Send contract", { dueAt: at(-24 * hour), priority: "normal" });
    await task("Plan kick-off", { dueAt: at(24 * hour), priority: "high", dealIds: [dealId] });
    await task("Someday", { priority: "low" });
    await task("Admin's chore", { dueAt: at(-2 * hour), priority: "high", assigneeId: org.admin.memberId });
    await task("Admin's call", { dueAt: at(-hour), assigneeId: org.admin.memberId }, org.admin.token);
  });

  const list = (
    routeId: "tasks.listOpen" | "tasks.listOverdue",
    filter: unknown,
    options: { token?: string; orgId?: string; query?: Record<string, string> } = {},
  ) =>
    invoke(routeId, {
      token: options.token ?? seller.token,
      params: { orgId: options.orgId ?? org.orgId },
      query: { filter: typeof filter === "string" ? filter : JSON.stringify(filter), ...options.query },
    });
  const subjects = async (
    routeId: "tasks.listOpen" | "tasks.listOverdue",
    filter: unknown,
    query: Record<string, string> = {},
  ) => {
    const response = await list(routeId, filter, { query });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data as Task[]).map((task) => task.subject);
  };

  it("narrows the caller's open tasks, keeping their order (soonest due first, undated last)", async () => {
    expect(await subjects("tasks.listOpen", { and: [{ field: "priority", op: "eq", value: "high" }] })).toEqual([
      "Call back",
      "Plan kick-off",
    ]);
    expect(
      await subjects("tasks.listOpen", {
        or: [
          { and: [{ field: "dueAt", op: "isEmpty" }] },
          { and: [{ field: "subject", op: "startsWith", value: "Send" }] },
        ],
      }),
    ).toEqual(["Send contract", "Someday"]);
    expect(await subjects("tasks.listOpen", { and: [{ field: "dealIds", op: "contains", value: dealId }] })).toEqual([
      "Call back",
      "Plan kick-off",
    ]);
    expect(await subjects("tasks.listOpen", { and: [{ field: "done", op: "eq", value: false }] })).toHaveLength(4);
    expect(await subjects("tasks.listOpen", { and: [{ field: "done", op: "eq", value: true }] })).toEqual([]);
  });

  it("narrows another assignee's open tasks named by the parameter", async () => {
    expect(
      await subjects(
        "tasks.listOpen",
        { and: [{ field: "createdBy", op: "eq", value: org.admin.memberId }] },
        { assigneeId: org.admin.memberId },
      ),
    ).toEqual(["Admin's call"]);
  });

  it("narrows the organisation's overdue tasks, through one assignee's partition when every group names them", async () => {
    expect(await subjects("tasks.listOverdue", { and: [{ field: "priority", op: "eq", value: "high" }] })).toEqual([
      "Call back",
      "Admin's chore",
    ]);
    const admins = {
      or: [
        { and: [{ field: "assigneeId", op: "eq", value: org.admin.memberId }] },
        {
          and: [
            { field: "assigneeId", op: "eq", value: org.admin.memberId },
            { field: "priority", op: "eq", value: "high" },
          ],
        },
      ],
    };
    expect(await subjects("tasks.listOverdue", admins)).toEqual(["Admin's chore", "Admin's call"]);
    expect(
      await subjects("tasks.listOverdue", {
        and: [
          { field: "assigneeId", op: "eq", value: seller.memberId },
          { field: "dueAt", op: "lt", value: at(-36 * hour) },
        ],
      }),
    ).toEqual(["Call back"]);
  });

  it("pages through a filtered list exactly, and binds the cursor to its filter", async () => {
    const filter = { and: [{ field: "priority", op: "in", value: ["high", "normal"] }] };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await list("tasks.listOverdue", filter, {
        token: org.admin.token,
        query: { limit: "1", ...(cursor ? { cursor } : {}) },
      });
      expect(response.status).toBe(200);
      seen.push(...(response.body.data as Task[]).map((task) => task.subject));
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual(["Call back", "Send contract", "Admin's chore", "Admin's call"]);
    const first = await list("tasks.listOverdue", filter, { query: { limit: "1" } });
    const other = await list(
      "tasks.listOverdue",
      { and: [{ field: "priority", op: "eq", value: "low" }] },
      {
        query: { cursor: first.body.nextCursor },
      },
    );
    expect(other.status).toBe(400);
  });

  it.each([
    ["not JSON", "{priority:high}", "query.filter"],
    ["a field tasks do not filter on", { and: [{ field: "amount", op: "gt", value: 1 }] }, "query.filter.and.0.field"],
    [
      "an operator the field does not take",
      { and: [{ field: "done", op: "gt", value: true }] },
      "query.filter.and.0.op",
    ],
    [
      "a value of the wrong kind",
      { or: [{ and: [{ field: "dueAt", op: "isEmpty" }] }, { and: [{ field: "done", op: "eq", value: "yes" }] }] },
      "query.filter.or.1.and.0.value",
    ],
    [
      "a range whose low end is above its high end",
      { and: [{ field: "dueAt", op: "between", value: ["2026-12-31", "2026-01-01"] }] },
      "query.filter.and.0.value",
    ],
    ["an id compared by order", { and: [{ field: "assigneeId", op: "lt", value: "mem_" }] }, "query.filter.and.0.op"],
  ])("refuses %s with 400 naming the place", async (_, filter, path) => {
    for (const routeId of ["tasks.listOpen", "tasks.listOverdue"] as const) {
      const response = await list(routeId, filter);
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.body.errors?.[0]?.path).toBe(path);
    }
  });

  it("is for members of the organisation only: another organisation's admin is answered 404, and sees none of its tasks", async () => {
    const other = await anOrganisation("Other");
    const filter = { and: [{ field: "priority", op: "eq", value: "high" }] };
    for (const routeId of ["tasks.listOpen", "tasks.listOverdue"] as const) {
      const response = await list(routeId, filter, { token: other.admin.token });
      expect(response.status).toBe(404);
      const theirs = await list(routeId, filter, { token: other.admin.token, orgId: other.orgId });
      expect(theirs.status).toBe(200);
      expect(theirs.body.data).toEqual([]);
    }
  });

  it("is refused to an API key without the activities scope, whatever the filter", async () => {
    const created = await invoke("apiKeys.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { name: "Contacts only", scopes: ["contacts:read"] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const filter = { and: [{ field: "priority", op: "eq", value: "high" }] };
    for (const routeId of ["tasks.listOpen", "tasks.listOverdue"] as const) {
      const response = await list(routeId, filter, { token: created.body.secret });
      expect(response.status).toBe(403);
    }
  });
});
