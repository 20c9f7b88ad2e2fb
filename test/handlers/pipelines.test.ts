import { describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aDeal, aPipeline } from "../support/builders";
import { anOrganisation } from "../support/organisations";
import { defaultPipelineOf } from "../support/sales";

describe("pipelines", () => {
  it("a new organisation has a default sales pipeline with open, won and lost stages", async () => {
    const org = await anOrganisation();
    const { pipeline } = await defaultPipelineOf(org);
    expect(pipeline.stages.map((stage) => `${stage.name}:${stage.kind}:${stage.probability}`)).toEqual([
      "Lead:open:10",
      "Qualified:open:25",
      "Proposal:open:50",
      "Negotiation:open:75",
      "Won:won:100",
      "Lost:lost:0",
    ]);
  });

  it("can be created, renamed, reordered, extended and shortened by a manager", async () => {
    const org = await anOrganisation();
    const manager = await org.member("manager");
    const created = await invoke("pipelines.create", {
      token: manager.token,
      params: { orgId: org.orgId },
      body: {
        name: "Partners",
        stages: [
          { name: "Intro", probability: 10, rottingDays: 30 },
          { name: "Signed", probability: 100, kind: "won" },
          { name: "Dropped", probability: 0, kind: "lost" },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Partners", isDefault: false, version: 1 });
    expect(created.headers.etag).toBe('"1"');
    const [intro, signed, dropped] = created.body.stages;

    const updated = await invoke("pipelines.update", {
      token: manager.token,
      params: { orgId: org.orgId, pipelineId: created.body.id },
      headers: { "if-match": '"1"' },
      body: {
        name: "Channel partners",
        stages: [
          { name: "Pilot", probability: 40 },
          { id: intro.id, name: "Introduction", probability: 15, rottingDays: 20 },
          { id: signed.id, name: "Signed", probability: 100, kind: "won" },
          { name: "Dropped", probability: 0, kind: "lost" },
        ],
      },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.name).toBe("Channel partners");
    expect(updated.body.stages.map((stage: { name: string }) => stage.name)).toEqual([
      "Pilot",
      "Introduction",
      "Signed",
      "Dropped",
    ]);
    expect(updated.body.stages[1]).toMatchObject({ id: intro.id, probability: 15, rottingDays: 20 });
    expect(updated.body.stages.map((stage: { id: string }) => stage.id)).not.toContain(dropped.id);
  });

  it("refuses to remove a stage that has deals unless they are moved, and then moves them in the same request", async () => {
    const org = await anOrganisation();
    const { pipeline, stage } = await defaultPipelineOf(org);
    const deal = await aDeal(org, { stageId: stage("Qualified").id });
    const withoutQualified = pipeline.stages
      .filter((candidate) => candidate.name !== "Qualified")
      .map(({ id, name, probability, kind, rottingDays }) => ({ id, name, probability, kind, rottingDays }));

    const refused = await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: { stages: withoutQualified },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe(`body.moveDealsTo.${stage("Qualified").id}`);
    const unchanged = await invoke("pipelines.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    expect(unchanged.body.stages).toHaveLength(6);

    const moved = await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: { stages: withoutQualified, moveDealsTo: { [stage("Qualified").id]: stage("Proposal").id } },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.stages).toHaveLength(5);
    const after = await invoke("deals.get", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    expect(after.body.stageId).toBe(stage("Proposal").id);
    const history = await invoke("deals.stageHistory", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
    });
    expect(history.body.moves.at(-1)).toMatchObject({
      fromStageId: stage("Qualified").id,
      toStageId: stage("Proposal").id,
    });
    const board = await invoke("pipelines.board", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    expect(board.body.stages.find((s: { id: string }) => s.id === stage("Proposal").id).dealCount).toBe(1);
  });

  it("refuses stage lists without a won or lost stage, with duplicate names or foreign stage ids", async () => {
    const org = await anOrganisation();
    const { pipeline } = await defaultPipelineOf(org);
    const noLost = await invoke("pipelines.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        name: "X",
        stages: [
          { name: "A", probability: 1 },
          { name: "B", probability: 2 },
          { name: "W", probability: 100, kind: "won" },
        ],
      },
    });
    expect(noLost.status).toBe(400);
    expect(noLost.body.errors[0]).toMatchObject({
      path: "body.stages",
      message: "A pipeline needs at least one lost stage.",
    });
    const duplicate = await invoke("pipelines.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        name: "X",
        stages: [
          { name: "Won", probability: 1 },
          { name: "won", probability: 100, kind: "won" },
          { name: "Lost", probability: 0, kind: "lost" },
        ],
      },
    });
    expect(duplicate.body.errors[0].path).toBe("body.stages.1.name");
    const foreign = await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: {
        stages: [
          { id: "stg_01jd8x4k2q7v3m9t5r1w6y8z0a", name: "A", probability: 1 },
          { name: "W", probability: 100, kind: "won" },
          { name: "L", probability: 0, kind: "lost" },
        ],
      },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].path).toBe("body.stages.0.id");
  });

  it("cannot delete the default pipeline or one with deals, and deletes an empty one", async () => {
    const org = await anOrganisation();
    const { pipeline } = await defaultPipelineOf(org);
    const asDefault = await invoke("pipelines.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
    });
    expect(asDefault.status).toBe(409);
    expect(asDefault.body.code).toBe("pipeline-in-use");

    const other = await aPipeline(org);
    const deal = await aDeal(org, { pipelineId: other.id });
    const withDeal = await invoke("pipelines.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: other.id },
    });
    expect(withDeal.status).toBe(409);
    await invoke("deals.delete", { token: org.admin.token, params: { orgId: org.orgId, dealId: deal.id } });
    const deleted = await invoke("pipelines.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: other.id },
    });
    expect(deleted.status).toBe(204);
    const gone = await invoke("pipelines.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: other.id },
    });
    expect(gone.status).toBe(404);
  });

  it("makes another pipeline the default, leaving exactly one default", async () => {
    const org = await anOrganisation();
    const created = await aPipeline(org, { name: "Enterprise" });
    await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: created.id },
      body: { isDefault: true },
    });
    const all = await invoke("pipelines.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(all.body.data.filter((p: { isDefault: boolean }) => p.isDefault).map((p: { id: string }) => p.id)).toEqual([
      created.id,
    ]);
    const deal = await aDeal(org);
    expect(deal.pipelineId).toBe(created.id);
  });

  it("cannot be changed by a member", async () => {
    const org = await anOrganisation();
    const member = await org.member("member");
    const { pipeline } = await defaultPipelineOf(org);
    const response = await invoke("pipelines.update", {
      token: member.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: { name: "Mine" },
    });
    expect(response.status).toBe(403);
  });
});
