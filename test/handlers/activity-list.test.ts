import { beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aCustomField, anActivity } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

type Listed = { subject: string; type: string };

/** `GET /v1/orgs/{orgId}/activities`: every activity of the organisation, in creation order, with the filter grammar. */
describe("listing the organisation's activities", () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await anOrganisation();
    const contactIds = [(await aContact(org)).id];
    const log = (type: string, subject: string, extra: Record<string, unknown> = {}) =>
      anActivity(org, { type, subject, contactIds, ...extra });
    await log("note", "Prefers mornings");
    await log("call", "Intro call", { occurredAt: "2026-11-02T09:00:00.000Z", durationMinutes: 20 });
    await log("task", "Send the quote", { dueAt: "2026-12-10T12:00:00.000Z" });
    await log("meeting", "Demo", { occurredAt: "2026-11-20T14:00:00.000Z" });
    await log("email", "Proposal sent", { occurredAt: "2026-10-15T08:00:00.000Z" });
  });

  const list = (query: Record<string, string> = {}, token = org.admin.token, orgId = org.orgId) =>
    invoke("activities.list", { token, params: { orgId }, query });
  const subjects = async (query: Record<string, string> = {}) => {
    const response = await list(query);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data as Listed[]).map((activity) => activity.subject);
  };

  it("answers every type of activity, newest first by default and oldest first on request", async () => {
    expect(await subjects()).toEqual(["Proposal sent", "Demo", "Send the quote", "Intro call", "Prefers mornings"]);
    expect(await subjects({ sort: "createdAt" })).toEqual([
      "Prefers mornings",
      "Intro call",
      "Send the quote",
      "Demo",
      "Proposal sent",
    ]);
  });

  it("narrows by the filter grammar over the activity's fields", async () => {
    const filter = {
      and: [
        { field: "type", op: "in", value: ["call", "meeting", "email"] },
        { field: "occurredAt", op: "gte", value: "2026-11-01T00:00:00.000Z" },
      ],
    };
    expect(await subjects({ filter: JSON.stringify(filter) })).toEqual(["Demo", "Intro call"]);
    const either = {
      or: [{ and: [{ field: "type", op: "eq", value: "note" }] }, { and: [{ field: "dueAt", op: "isNotEmpty" }] }],
    };
    expect(await subjects({ filter: JSON.stringify(either) })).toEqual(["Send the quote", "Prefers mornings"]);
  });

  it("narrows by the organisation's activity custom fields, refusing an unknown one", async () => {
    const outcomes = await anOrganisation();
    await aCustomField(outcomes, { recordType: "activity", key: "outcome", type: "text" });
    const contactIds = [(await aContact(outcomes)).id];
    await anActivity(outcomes, { type: "call", subject: "Booked", contactIds, customFields: { outcome: "demo" } });
    await anActivity(outcomes, { type: "call", subject: "No answer", contactIds });
    const listed = await invoke("activities.list", {
      token: outcomes.admin.token,
      params: { orgId: outcomes.orgId },
      query: { filter: JSON.stringify({ and: [{ field: "customFields.outcome", op: "eq", value: "demo" }] }) },
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect((listed.body.data as Listed[]).map((activity) => activity.subject)).toEqual(["Booked"]);
    const unknown = await list({
      filter: JSON.stringify({ and: [{ field: "customFields.outcome", op: "eq", value: "demo" }] }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.path).toBe("query.filter.and.0.field");
  });

  it("pages exactly, with and without a filter, the cursor tied to the list it came from", async () => {
    const filter = JSON.stringify({ and: [{ field: "type", op: "neq", value: "task" }] });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await list({ limit: "1", filter, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      expect(response.body.data.length).toBeLessThanOrEqual(1);
      seen.push(...(response.body.data as Listed[]).map((activity) => activity.subject));
      cursor = response.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["Proposal sent", "Demo", "Intro call", "Prefers mornings"]);

    const first = await list({ limit: "2" });
    const elsewhere = await list({ limit: "2", sort: "createdAt", cursor: first.body.nextCursor });
    expect(elsewhere.status).toBe(400);
  });

  it("refuses a bad filter or sort with 400 naming the place, and changes nothing", async () => {
    const unknownField = await list({ filter: JSON.stringify({ and: [{ field: "amount", op: "gt", value: 1 }] }) });
    expect(unknownField.status).toBe(400);
    expect(unknownField.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(unknownField.body.errors?.[0]?.path).toBe("query.filter.and.0.field");
    const badSort = await list({ sort: "subject" });
    expect(badSort.status).toBe(400);
    expect(badSort.body.errors?.[0]?.path).toBe("query.sort");
    expect(await subjects()).toHaveLength(5);
  });

  it("is readable by every role, answers another organisation's admin 404 and shows them none of these", async () => {
    const viewer = await org.member("viewer");
    expect((await list({}, viewer.token)).body.data).toHaveLength(5);
    const other = await anOrganisation("Other");
    expect((await list({}, other.admin.token)).status).toBe(404);
    const theirs = await list({}, other.admin.token, other.orgId);
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([]);
  });
});
