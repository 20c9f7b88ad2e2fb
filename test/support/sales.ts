import { expect } from "vitest";
import { invoke } from "./api-events";
import type { TestOrganisation } from "./organisations";

export type TestStage = { id: string; name: string; kind: string; probability: number; rottingDays: number | null };
export type TestPipeline = { id: string; stages: TestStage[]; version: number };

/** The organisation's default pipeline (every new organisation has one), with a stage lookup by name. */
export async function defaultPipelineOf(org: TestOrganisation) {
  const response = await invoke("pipelines.list", { token: org.admin.token, params: { orgId: org.orgId } });
  expect(response.status).toBe(200);
  const pipeline: TestPipeline = response.body.data.find((candidate: { isDefault: boolean }) => candidate.isDefault);
  const stage = (name: string) => {
    const found = pipeline.stages.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`No stage ${name}`);
    return found;
  };
  return { pipeline, stage };
}
