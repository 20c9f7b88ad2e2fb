import { DealEntity } from "@crm/core/deal";
import { afterEach, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aCompany, aContact, aDeal, aPipeline } from "../support/builders";
import { tokenFor } from "../support/identity";
import { anOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

describe("deals", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are created in the default pipeline's first open stage with their value, owner and contacts", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const contact = await aContact(org, { firstName: "Ada" });
    const company = await aCompany(org, { name: "Engines Ltd" });
    const deal = await aDeal(org, {
      title: "Difference engine",
      value: { amount: 12_500_00, currency: "GBP" },
      expectedCloseDate: "2026-12-31",
      contactIds: [contact.id],
      companyId: company.id,
      tags: ["Hardware"],
    });
    expect(deal).toMatchObject({
      title: "Difference engine",
      value: { amount: 12_500_00, currency: "GBP" },
      pipelineId: pipeline.id,
      stageId: stage("Lead").id,
      status: "open",
      ownerId: org.admin.memberId,
      expectedCloseDate: "2026-12-31",
      contactIds: [contact.id],
      companyId: company.id,
      tags: ["hardware"],
      version: 1,
      closedAt: null,
      lostReason: null,
    });
    const read = await invoke("deals.get", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    expect(read.body).toEqual(deal);
    expect(read.headers.etag).toBe('"1"');
  });

  it("refuse an unknown currency, a fractional amount, a missing contact and another pipeline's stage", async () => {
    const org = await anOrganisation();
    const params = { orgId: org.orgId };
    const currency = await invoke("deals.create", {
      token: org.admin.token,
      params,
      body: { title: "X", value: { amount: 1, currency: "XYZ" } },
    });
    expect(currency.body.errors[0].path).toBe("body.value.currency");
    const fraction = await invoke("deals.create", {
      token: org.admin.token,
      params,
      body: { title: "X", value: { amount: 1.5, currency: "EUR" } },
    });
    expect(fraction.body.errors[0].path).toBe("body.value.amount");
    const contact = await invoke("deals.create", {
      token: org.admin.token,
      params,
      body: { title: "X", value: { amount: 1, currency: "EUR" }, contactIds: ["con_01jd8x4k2q7v3m9t5r1w6y8z0a"] },
    });
    expect(contact.status).toBe(400);
    expect(contact.body.errors[0].path).toBe("body.contactIds");
    const other = await anOrganisation("Other");
    const { stage: otherStage } = await defaultPipelineOf(other);
    const foreignStage = await invoke("deals.create", {
      token: org.admin.token,
      params,
      body: { title: "X", value: { amount: 1, currency: "EUR" }, stageId: otherStage("Lead").id },
    });
    expect(foreignStage.status).toBe(400);
    expect(foreignStage.body.errors[0].path).toBe("body.stageId");
    const listed = await invoke("deals.list", { token: org.admin.token, params });
    expect(listed.body.data).toEqual([]);
  });

  it("move through stages with a recorded history; won and lost stages close them", async () => {
    const org = await anOrganisation();
    const seller = await org.member("member");
    const { stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org, {}, seller.token);
    const move = (stageId: string, extra: Record<string, unknown> = {}) =>
      invoke("deals.moveStage", {
        token: seller.token,
        params: { orgId: org.orgId, dealId: deal.id },
        body: { stageId, ...extra },
      });

    const proposal = await move(stage("Proposal").id);
    expect(proposal.status).toBe(200);
    expect(proposal.body).toMatchObject({ stageId: stage("Proposal").id, status: "open", version: 2 });
    const lost = await move(stage("Lost").id, { lostReason: "Chose a competitor" });
    expect(lost.body).toMatchObject({ status: "lost", lostReason: "Chose a competitor", closedAt: expect.any(String) });
    const reopened = await move(stage("Negotiation").id);
    expect(reopened.body).toMatchObject({ status: "open", lostReason: null, closedAt: null });
    const won = await move(stage("Won").id);
    expect(won.body.status).toBe("won");

    const history = await invoke("deals.stageHistory", {
      token: seller.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(history.status).toBe(200);
    expect(
      history.body.moves.map((m: { fromStageId: string | null; toStageId: string }) => [m.fromStageId, m.toStageId]),
    ).toEqual([
      [null, stage("Lead").id],
      [stage("Lead").id, stage("Proposal").id],
      [stage("Proposal").id, stage("Lost").id],
      [stage("Lost").id, stage("Negotiation").id],
      [stage("Negotiation").id, stage("Won").id],
    ]);
    expect(history.body.moves.every((m: { by: string }) => m.by === seller.memberId)).toBe(true);
    expect(history.body.timeInStages.map((t: { stageId: string }) => t.stageId)).toEqual([
      stage("Lead").id,
      stage("Proposal").id,
      stage("Lost").id,
      stage("Negotiation").id,
      stage("Won").id,
    ]);

    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: deal.id },
    });
    expect(audit.body.data[0]).toMatchObject({
      action: "stage_changed",
      actorId: seller.memberId,
      changes: expect.arrayContaining([{ field: "status", before: "open", after: "won" }]),
    });
  });

  it("keep every stage move as an item of its own, so the deal does not grow with its history", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org);
    const stages = ["Qualified", "Proposal", "Negotiation", "Proposal", "Negotiation", "Won"];
    for (const name of stages) {
      const moved = await invoke("deals.moveStage", {
        token: org.admin.token,
        params: { orgId: org.orgId, dealId: deal.id },
        body: { stageId: stage(name).id },
      });
      expect(moved.status).toBe(200);
    }

    const { data: raw } = await DealEntity.get({ orgId: org.orgId, dealId: deal.id }).go({ data: "raw" });
    const item = (raw as { Item?: Record<string, unknown> }).Item ?? {};
    expect(item.stageId).toBe(stage("Won").id);
    expect(Object.keys(item)).not.toContain("stageHistory");
    const history = await invoke("deals.stageHistory", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(history.body.moves.map((move: { toStageId: string }) => move.toStageId)).toEqual(
      ["Lead", ...stages].map((name) => stage(name).id),
    );
  });

  it("refuse a lost reason outside a lost stage and a stage of another pipeline", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const other = await aPipeline(org);
    const deal = await aDeal(org);
    const params = { orgId: org.orgId, dealId: deal.id };
    const reason = await invoke("deals.moveStage", {
      token: org.admin.token,
      params,
      body: { stageId: stage("Proposal").id, lostReason: "Too early" },
    });
    expect(reason.body.errors[0].path).toBe("body.lostReason");
    const foreign = await invoke("deals.moveStage", {
      token: org.admin.token,
      params,
      body: { stageId: other.stages[0].id },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0]).toMatchObject({ path: "body.stageId" });
    const unchanged = await invoke("deals.get", { token: org.admin.token, params });
    expect(unchanged.body).toMatchObject({ stageId: stage("Lead").id, version: 1 });
  });

  it("honour If-Match on stage moves, updates and deletes", async () => {
    const org = await anOrganisation();
    const { stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org);
    const params = { orgId: org.orgId, dealId: deal.id };
    await invoke("deals.update", { token: org.admin.token, params, body: { title: "Renamed" } });
    const stale = await invoke("deals.moveStage", {
      token: org.admin.token,
      params,
      headers: { "if-match": '"1"' },
      body: { stageId: stage("Won").id },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe('"2"');
    const staleDelete = await invoke("deals.delete", {
      token: org.admin.token,
      params,
      headers: { "if-match": '"1"' },
    });
    expect(staleDelete.status).toBe(412);
    const fresh = await invoke("deals.update", {
      token: org.admin.token,
      params,
      headers: { "if-match": '"2"' },
      body: { value: { amount: 1, currency: "USD" }, expectedCloseDate: null },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ value: { amount: 1, currency: "USD" }, expectedCloseDate: null, version: 3 });
  });

  it("let a member delete only their own deals", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const theirs = await aDeal(org);
    const refused = await invoke("deals.delete", {
      token: member.token,
      params: { orgId: org.orgId, dealId: theirs.id },
    });
    expect(refused.status).toBe(403);
    const own = await aDeal(org, {}, member.token);
    const deleted = await invoke("deals.delete", { token: member.token, params: { orgId: org.orgId, dealId: own.id } });
    expect(deleted.status).toBe(204);
    const gone = await invoke("deals.get", { token: member.token, params: { orgId: org.orgId, dealId: own.id } });
    expect(gone.status).toBe(404);
  });

  it("list by pipeline and stage, owner, status, close-date range and company, each page by cursor", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const { pipeline, stage } = await defaultPipelineOf(org);
    const company = await aCompany(org, { name: "Initech" });
    const a = await aDeal(org, { title: "A", stageId: stage("Proposal").id, expectedCloseDate: "2026-12-01" });
    const b = await aDeal(
      org,
      { title: "B", stageId: stage("Proposal").id, expectedCloseDate: "2026-12-31" },
      member.token,
    );
    const c = await aDeal(org, { title: "C", stageId: stage("Won").id, expectedCloseDate: "2026-12-15" });
    const d = await aDeal(org, { title: "D", expectedCloseDate: "2027-01-01", companyId: company.id });
    const e = await aDeal(org, { title: "E" });
    const titles = async (query: Record<string, string>) => {
      const response = await invoke("deals.list", { token: org.admin.token, params: { orgId: org.orgId }, query });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.data.map((deal: { title: string }) => deal.title).sort();
    };
    expect(await titles({})).toEqual(["A", "B", "C", "D", "E"]);
    expect(await titles({ pipelineId: pipeline.id, stageId: stage("Proposal").id })).toEqual(["A", "B"]);
    expect(await titles({ pipelineId: pipeline.id })).toEqual(["A", "B", "C", "D", "E"]);
    expect(await titles({ ownerId: member.memberId })).toEqual(["B"]);
    expect(await titles({ status: "won" })).toEqual(["C"]);
    expect(await titles({ closeFrom: "2026-12-01", closeTo: "2026-12-31" })).toEqual(["A", "B"]);
    expect(await titles({ closeFrom: "2026-12-01", closeTo: "2026-12-31", status: "won" })).toEqual(["C"]);
    expect(await titles({ closeTo: "2026-12-31" })).toEqual(["A", "B"]);
    expect(await titles({ companyId: company.id })).toEqual(["D"]);
    expect(await titles({ pipelineId: pipeline.id, status: "won" })).toEqual(["C"]);

    const open = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { status: "open", limit: "2" },
    });
    expect(open.body.data.map((deal: { id: string }) => deal.id)).toEqual([a.id, b.id]);
    const next = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { status: "open", limit: "2", cursor: open.body.nextCursor },
    });
    expect(next.body.data.map((deal: { id: string }) => deal.id)).toEqual([d.id, e.id]);
    expect(c.status).toBe("won");

    const badRange = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { closeFrom: "2026-12-31", closeTo: "2026-12-01" },
    });
    expect(badRange.body.errors[0].path).toBe("query.closeTo");
    const stageWithoutPipeline = await invoke("deals.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { stageId: stage("Won").id },
    });
    expect(stageWithoutPipeline.body.errors[0].path).toBe("query.stageId");
  });

  it("list rotting deals: open deals untouched for longer than their stage allows, most neglected first", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const daysAgo = async (days: number, stageName: string, title: string) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() - days * 86_400_000);
      const deal = await aDeal(org, { title, stageId: stage(stageName).id }, tokenFor(org.admin.email));
      vi.useRealTimers();
      return deal;
    };
    await daysAgo(20, "Lead", "lead, 20 days"); // Lead rots after 14 days
    await daysAgo(30, "Lead", "lead, 30 days");
    await daysAgo(10, "Lead", "lead, 10 days");
    await daysAgo(8, "Negotiation", "negotiation, 8 days"); // Negotiation rots after 7 days
    await daysAgo(40, "Won", "won, 40 days"); // closed deals never rot
    const fresh = await aDeal(org, { title: "fresh", stageId: stage("Negotiation").id });

    const rotting = await invoke("pipelines.rottingDeals", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    expect(rotting.status).toBe(200);
    expect(rotting.body.data.map((deal: { title: string }) => deal.title)).toEqual([
      "lead, 30 days",
      "lead, 20 days",
      "negotiation, 8 days",
    ]);
    expect(Date.parse(rotting.body.data[0].rottingSince)).toBeLessThan(Date.now() - 15 * 86_400_000);

    const firstPage = await invoke("pipelines.rottingDeals", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      query: { limit: "2" },
    });
    const secondPage = await invoke("pipelines.rottingDeals", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      query: { limit: "2", cursor: firstPage.body.nextCursor },
    });
    expect(secondPage.body.data.map((deal: { title: string }) => deal.title)).toEqual(["negotiation, 8 days"]);

    // A stage move touches the deal, so it stops rotting.
    const [oldest] = rotting.body.data;
    await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: oldest.id },
      body: { stageId: stage("Qualified").id },
    });
    const after = await invoke("pipelines.rottingDeals", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    expect(after.body.data.map((deal: { title: string }) => deal.title)).not.toContain("lead, 30 days");
    expect(after.body.data.map((deal: { id: string }) => deal.id)).not.toContain(fresh.id);
  });
});
