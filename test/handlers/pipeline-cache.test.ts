import { PipelineEntity } from "@crm/core/pipeline";
import { newId } from "@crm/core/platform";
import { describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aDeal, aPipeline } from "../support/builders";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

// A bound far longer than the test: whatever it sees fresh, it sees because a copy was found wanting, not expired.
vi.hoisted(() => {
  process.env.PIPELINE_CACHE_MS = "60000";
});

type Stage = { stageId: string; name: string; probability: number; kind: "open" | "won" | "lost" };

/** As if another container had changed the pipeline: straight in the table, so this container is not told. */
async function changeElsewhere(org: TestOrganisation, pipelineId: string, change: (stages: Stage[]) => Stage[]) {
  const { data } = await PipelineEntity.get({ orgId: org.orgId, pipelineId }).go({ consistent: true });
  if (!data) throw new Error(`no pipeline ${pipelineId}`);
  await PipelineEntity.patch({ orgId: org.orgId, pipelineId })
    .set({ stages: change(data.stages as Stage[]), version: data.version + 1 })
    .go({ response: "none" });
}

describe("pipelines kept by a container for deal writes", () => {
  it("a stage added elsewhere can take deals at once: a copy without the named stage is read again", async () => {
    const org = await anOrganisation();
    const pipeline = await aPipeline(org);
    await aDeal(org, { pipelineId: pipeline.id }); // this container now keeps the organisation's pipelines

    const added = newId("stage");
    await changeElsewhere(org, pipeline.id, (stages) => [
      ...stages,
      { stageId: added, name: "Added", probability: 50, kind: "open" },
    ]);
    const deal = await invoke("deals.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: {
        title: "Into the new stage",
        value: { amount: 100, currency: "EUR" },
        pipelineId: pipeline.id,
        stageId: added,
      },
    });

    expect(deal.status, JSON.stringify(deal.body)).toBe(201);
    expect(deal.body.stageId).toBe(added);
  });

  it("a stage removed elsewhere is refused, though the kept copy still has it: the write's version check catches the copy", async () => {
    const org = await anOrganisation();
    const pipeline = await aPipeline(org);
    const deal = await aDeal(org, { pipelineId: pipeline.id });
    const won = pipeline.stages.find((stage: { kind: string }) => stage.kind === "won");

    await changeElsewhere(org, pipeline.id, (stages) => stages.filter((stage) => stage.kind !== "won"));
    const moved = await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { stageId: won.id },
    });

    expect(moved.status, JSON.stringify(moved.body)).toBe(400);
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: "body.stageId" })]);
  });

  it("a pipeline changed elsewhere in ways the write does not name still takes the deal, against its new version", async () => {
    const org = await anOrganisation();
    const pipeline = await aPipeline(org);
    const deal = await aDeal(org, { pipelineId: pipeline.id });
    const won = pipeline.stages.find((stage: { kind: string }) => stage.kind === "won");

    await changeElsewhere(org, pipeline.id, (stages) =>
      stages.map((stage) => (stage.kind === "open" ? { ...stage, name: "Renamed elsewhere" } : stage)),
    );
    const moved = await invoke("deals.moveStage", {
      token: org.admin.token,
      params: { orgId: org.orgId, dealId: deal.id },
      body: { stageId: won.id },
    });

    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.status).toBe("won");
  });

  it("a pipeline changed through the API here applies at once", async () => {
    const org = await anOrganisation();
    const pipeline = await aPipeline(org);
    await aDeal(org, { pipelineId: pipeline.id });
    const updated = await invoke("pipelines.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, pipelineId: pipeline.id },
      body: { name: "Renamed" },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);

    const deal = await aDeal(org, { pipelineId: pipeline.id });
    expect(deal.pipelineId).toBe(pipeline.id);
  });
});
