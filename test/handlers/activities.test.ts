import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal, anActivity } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

type TimelineEntry = { kind: string; activity?: { id: string; subject: string }; change?: { action: string } };

async function timelineOf(org: TestOrganisation, route: "contacts" | "deals", id: string, query = {}) {
  const response =
    route === "contacts"
      ? await invoke("contacts.timeline", {
          token: org.admin.token,
          params: { orgId: org.orgId, contactId: id },
          query,
        })
      : await invoke("deals.timeline", { token: org.admin.token, params: { orgId: org.orgId, dealId: id }, query });
  expect(response.status).toBe(200);
  return response.body.data as TimelineEntry[];
}

const summary = (entries: TimelineEntry[]) =>
  entries.map((entry) =>
    entry.kind === "activity" ? `activity: ${entry.activity?.subject}` : `change: ${entry.change?.action}`,
  );

describe("activities", () => {
  it("a call logged on a contact and a deal appears on both timelines and marks the deal active", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const deal = await aDeal(org);
    const call = await anActivity(org, {
      type: "call",
      subject: "Discovery call",
      body: "Wants 40 seats.",
      durationMinutes: 30,
      contactIds: [contact.id],
      dealIds: [deal.id],
    });
    expect(call).toMatchObject({
      type: "call",
      durationMinutes: 30,
      occurredAt: expect.any(String),
      dueAt: null,
      done: null,
      contactIds: [contact.id],
      dealIds: [deal.id],
      createdBy: org.admin.memberId,
      version: 1,
    });

    expect(summary(await timelineOf(org, "contacts", contact.id))).toEqual([
      "activity: Discovery call",
      "change: created",
    ]);
    expect(summary(await timelineOf(org, "deals", deal.id))).toEqual(["activity: Discovery call", "change: created"]);
    expect(summary(await timelineOf(org, "deals", deal.id, { kind: "change" }))).toEqual(["change: created"]);
    const touched = await invoke("deals.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(touched.body.lastActivityAt).toBe(call.createdAt);
    expect(touched.body.version).toBe(1); // activity is not an edit of the deal: no spurious 412s
  });

  it("a deal's timeline shows stage moves, field changes and activities, newest first, page by page", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org);
    const params = { orgId: org.orgId, dealId: deal.id };
    await anActivity(org, { type: "note", subject: "Kick-off notes", dealIds: [deal.id] });
    await invoke("deals.moveStage", { token: org.admin.token, params, body: { stageId: stage("Proposal").id } });
    await invoke("deals.update", { token: org.admin.token, params, body: { title: "Sixty licences" } });
    await anActivity(org, { type: "email", subject: "Sent the proposal", dealIds: [deal.id] });

    expect(summary(await timelineOf(org, "deals", deal.id))).toEqual([
      "activity: Sent the proposal",
      "change: updated",
      "change: stage_changed",
      "activity: Kick-off notes",
      "change: created",
    ]);
    const first = await invoke("deals.timeline", { token: org.admin.token, params, query: { limit: "2" } });
    const second = await invoke("deals.timeline", {
      token: org.admin.token,
      params,
      query: { limit: "2", cursor: first.body.nextCursor },
    });
    expect(summary(second.body.data)).toEqual(["change: stage_changed", "activity: Kick-off notes"]);
  });

  it("are refused without links, with fields of another type, or with a record that does not exist", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const create = (body: Record<string, unknown>) =>
      invoke("activities.create", { token: org.admin.token, params: { orgId: org.orgId }, body });
    const unlinked = await create({ type: "note", subject: "Floating" });
    expect(unlinked.status).toBe(400);
    const dueNote = await create({
      type: "note",
      subject: "x",
      dueAt: "2026-12-01T09:00:00Z",
      contactIds: [contact.id],
    });
    expect(dueNote.body.errors[0].path).toBe("body.dueAt");
    const missing = await create({
      type: "call",
      subject: "x",
      contactIds: [contact.id, "con_01jd8x4k2q7v3m9t5r1w6y8z0a"],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe("body.contactIds");
    expect(await timelineOf(org, "contacts", contact.id)).toHaveLength(1); // only its creation
  });

  it("move between timelines when their links change, and leave them when deleted", async () => {
    const org = await anOrganisation();
    const ada = await aContact(org, { firstName: "Ada" });
    const grace = await aContact(org, { firstName: "Grace" });
    const meeting = await anActivity(org, { type: "meeting", subject: "Lunch", contactIds: [ada.id] });
    const params = { orgId: org.orgId, activityId: meeting.id };
    const relinked = await invoke("activities.update", {
      token: org.admin.token,
      params,
      headers: { "if-match": '"1"' },
      body: { contactIds: [grace.id], occurredAt: "2026-11-01T12:00:00.000Z" },
    });
    expect(relinked.status).toBe(200);
    expect(summary(await timelineOf(org, "contacts", ada.id))).toEqual(["change: created"]);
    const graceTimeline = await timelineOf(org, "contacts", grace.id);
    expect(summary(graceTimeline)).toContain("activity: Lunch");

    const deleted = await invoke("activities.delete", { token: org.admin.token, params });
    expect(deleted.status).toBe(204);
    expect(summary(await timelineOf(org, "contacts", grace.id))).toEqual(["change: created"]);
    expect((await invoke("activities.get", { token: org.admin.token, params })).status).toBe(404);
  });

  it("may be deleted by a member only if they created it", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const contact = await aContact(org);
    const note = await anActivity(org, { type: "note", subject: "Admin's note", contactIds: [contact.id] });
    const refused = await invoke("activities.delete", {
      token: member.token,
      params: { orgId: org.orgId, activityId: note.id },
    });
    expect(refused.status).toBe(403);
  });
});

describe("tasks", () => {
  it("'my open tasks' lists the caller's open tasks soonest due first and drops completed ones", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const contact = await aContact(org);
    const task = (subject: string, extra: Record<string, unknown> = {}) =>
      anActivity(org, { type: "task", subject, contactIds: [contact.id], ...extra }, seller.token);
    const later = await task("Send contract", { dueAt: "2026-12-10T09:00:00.000Z" });
    await task("Call back", { dueAt: "2026-12-01T09:00:00.000Z", priority: "high" });
    await task("Someday");
    await task("Someone else's", { dueAt: "2026-11-30T09:00:00.000Z", assigneeId: org.admin.memberId });

    const mine = await invoke("tasks.listOpen", { token: seller.token, params: { orgId: org.orgId } });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((t: { subject: string }) => t.subject)).toEqual([
      "Call back",
      "Send contract",
      "Someday",
    ]);
    expect(mine.body.data[0]).toMatchObject({ assigneeId: seller.memberId, priority: "high", done: false });

    const completed = await invoke("activities.update", {
      token: seller.token,
      params: { orgId: org.orgId, activityId: later.id },
      body: { done: true },
    });
    expect(completed.body).toMatchObject({ done: true, doneAt: expect.any(String) });
    const after = await invoke("tasks.listOpen", { token: seller.token, params: { orgId: org.orgId } });
    expect(after.body.data.map((t: { subject: string }) => t.subject)).toEqual(["Call back", "Someday"]);
    const admins = await invoke("tasks.listOpen", {
      token: seller.token,
      params: { orgId: org.orgId },
      query: { assigneeId: org.admin.memberId },
    });
    expect(admins.body.data.map((t: { subject: string }) => t.subject)).toEqual(["Someone else's"]);
  });

  it("are assigned only to members of the organisation: another's member or a made-up id is refused, nothing changes", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const seller = await org.member("member");
    const contact = await aContact(org);
    const task = await anActivity(org, { type: "task", subject: "Call back", contactIds: [contact.id] });
    const params = { orgId: org.orgId, activityId: task.id };

    for (const assigneeId of [other.admin.memberId, "mem_0123456789abcdefghijklmnop"]) {
      const created = await invoke("activities.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { type: "task", subject: "Theirs", assigneeId, contactIds: [contact.id] },
      });
      const refused = await invoke("activities.update", { token: org.admin.token, params, body: { assigneeId } });
      for (const response of [created, refused]) {
        expect(response.status, JSON.stringify(response.body)).toBe(400);
        expect(response.body.errors).toEqual([{ path: "body.assigneeId", message: expect.any(String) }]);
      }
      const listed = await invoke("tasks.listOpen", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        query: { assigneeId },
      });
      expect(listed.body.data).toEqual([]);
    }
    const unchanged = await invoke("activities.get", { token: org.admin.token, params });
    expect(unchanged.body).toMatchObject({ assigneeId: org.admin.memberId, version: 1 });

    const reassigned = await invoke("activities.update", {
      token: org.admin.token,
      params,
      body: { assigneeId: seller.memberId },
    });
    expect(reassigned.status).toBe(200);
    const sellers = await invoke("tasks.listOpen", { token: seller.token, params: { orgId: org.orgId } });
    expect(sellers.body.data.map((t: { id: string }) => t.id)).toEqual([task.id]);
  });

  it("'overdue tasks' lists the organisation's open tasks past due, most overdue first", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const member = await org.member("member");
    const contact = await aContact(org);
    const otherContact = await aContact(other);
    const hour = 3_600_000;
    const at = (offset: number) => new Date(Date.now() + offset).toISOString();
    await anActivity(org, { type: "task", subject: "Yesterday", dueAt: at(-24 * hour), contactIds: [contact.id] });
    await anActivity(
      org,
      { type: "task", subject: "Last week", dueAt: at(-7 * 24 * hour), contactIds: [contact.id] },
      member.token,
    );
    await anActivity(org, { type: "task", subject: "Tomorrow", dueAt: at(24 * hour), contactIds: [contact.id] });
    const done = await anActivity(org, { type: "task", subject: "Done", dueAt: at(-hour), contactIds: [contact.id] });
    await invoke("activities.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, activityId: done.id },
      body: { done: true },
    });
    await anActivity(other, { type: "task", subject: "Other org", dueAt: at(-hour), contactIds: [otherContact.id] });

    const overdue = await invoke("tasks.listOverdue", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(overdue.body.data.map((t: { subject: string }) => t.subject)).toEqual(["Last week", "Yesterday"]);
  });
});
