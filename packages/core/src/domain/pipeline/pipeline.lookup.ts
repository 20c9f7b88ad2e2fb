import type { EntityItem } from "electrodb";
import { NotFoundError, ValidationError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { PipelineEntity } from "./pipeline.entity";
import type { Pipeline } from "./pipeline.schema";

export type PipelineItem = EntityItem<typeof PipelineEntity>;
export type StageItem = PipelineItem["stages"][number];

export function toPipeline(item: PipelineItem): Pipeline {
  return {
    id: item.pipelineId,
    name: item.name,
    isDefault: item.isDefault,
    stages: item.stages.map((stage) => ({
      id: stage.stageId,
      name: stage.name,
      probability: stage.probability,
      kind: stage.kind,
      rottingDays: stage.rottingDays ?? null,
    })),
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** A pipeline of the organisation, read with strong consistency because deal writes validate stages against it. */
export async function loadPipeline(orgId: string, pipelineId: string): Promise<PipelineItem> {
  if (!isIdOf("pipeline", pipelineId)) throw new NotFoundError("pipeline", pipelineId);
  const { data } = await PipelineEntity.get({ orgId, pipelineId }).go({ consistent: true });
  if (!data) throw new NotFoundError("pipeline", pipelineId);
  return data;
}

/** Every pipeline of the organisation: one query on its own (small) partition. */
export async function loadPipelines(orgId: string): Promise<PipelineItem[]> {
  const { data } = await PipelineEntity.query.pipelinesOfOrganisation({ orgId }).go({
    consistent: true,
    pages: "all",
  });
  return data;
}

/** The pipeline new deals go to when the caller names none. */
export async function loadDefaultPipeline(orgId: string): Promise<PipelineItem> {
  const pipelines = await loadPipelines(orgId);
  const found = pipelines.find((pipeline) => pipeline.isDefault) ?? pipelines[0];
  if (!found) {
    throw new ValidationError([{ path: "body.pipelineId", message: "This organisation has no pipeline yet." }]);
  }
  return found;
}

/** The stage of a pipeline, or a validation error naming the field that pointed at it. */
export function stageOf(pipeline: PipelineItem, stageId: string, path: string): StageItem {
  const stage = pipeline.stages.find((candidate) => candidate.stageId === stageId);
  if (!stage) throw new ValidationError([{ path, message: `Not a stage of pipeline ${pipeline.pipelineId}.` }]);
  return stage;
}

/** Where a deal goes when created without a stage: the pipeline's first open stage. */
export function firstOpenStage(pipeline: PipelineItem): StageItem {
  const stage = pipeline.stages.find((candidate) => candidate.kind === "open") ?? pipeline.stages[0];
  if (!stage) throw new ValidationError([{ path: "body.stageId", message: "The pipeline has no stages." }]);
  return stage;
}
