import { demoContacts, demoPeople, seedDemoData } from "@crm/local/seed";
import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { tokenFor } from "../support/identity";

describe("demo seed data", () => {
  it("creates the demo organisation with people, companies, contacts, deals in every stage and their activity history, only once", async () => {
    const first = await seedDemoData();
    const second = await seedDemoData();
    expect(second).toMatchObject({ seeded: false, orgId: first.orgId });

    const admin = tokenFor(demoPeople.admin.email);
    const members = await invoke("members.list", { token: admin, params: { orgId: first.orgId } });
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([
      [demoPeople.admin.email, "admin"],
      [demoPeople.member.email, "member"],
      [demoPeople.viewer.email, "viewer"],
    ]);
    const contacts = await invoke("contacts.list", {
      token: admin,
      params: { orgId: first.orgId },
      query: { limit: "100" },
    });
    // The demo contacts, and one of them entered again: the demo's duplicate pair.
    expect(contacts.body.data).toHaveLength(demoContacts().length + 1);
    const duplicates = await invoke("duplicates.list", {
      token: admin,
      params: { orgId: first.orgId },
      query: { type: "contact" },
    });
    expect(duplicates.body.data.length).toBeGreaterThan(0);
    const views = await invoke("views.list", { token: admin, params: { orgId: first.orgId } });
    expect(views.body.data.map((view: { name: string }) => view.name)).toEqual(["Big open deals"]);
    const companies = await invoke("companies.list", { token: admin, params: { orgId: first.orgId } });
    expect(companies.body.data.length).toBeGreaterThanOrEqual(10);

    const pipelines = await invoke("pipelines.list", { token: admin, params: { orgId: first.orgId } });
    const [pipeline] = pipelines.body.data;
    const board = await invoke("pipelines.board", {
      token: admin,
      params: { orgId: first.orgId, pipelineId: pipeline.id },
    });
    expect(board.body.stages.every((stage: { dealCount: number }) => stage.dealCount > 0)).toBe(true);
    const deals = await invoke("deals.list", { token: admin, params: { orgId: first.orgId }, query: { limit: "100" } });
    const won = deals.body.data.find((deal: { status: string }) => deal.status === "won");
    const history = await invoke("deals.stageHistory", {
      token: admin,
      params: { orgId: first.orgId, dealId: won.id },
    });
    expect(history.body.moves.length).toBeGreaterThanOrEqual(5);
    const timeline = await invoke("deals.timeline", { token: admin, params: { orgId: first.orgId, dealId: won.id } });
    const kinds = timeline.body.data.map((entry: { kind: string }) => entry.kind);
    expect(kinds.filter((kind: string) => kind === "activity").length).toBeGreaterThanOrEqual(3);
    const overdue = await invoke("tasks.listOverdue", { token: admin, params: { orgId: first.orgId } });
    expect(overdue.body.data.length).toBeGreaterThan(0);

    const viewer = tokenFor(demoPeople.viewer.email);
    const refused = await invoke("contacts.create", {
      token: viewer,
      params: { orgId: first.orgId },
      body: { firstName: "X" },
    });
    expect(refused.status).toBe(403);
  });
});
