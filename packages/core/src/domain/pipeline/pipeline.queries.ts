import type { EntityItem } from "electrodb";
import { containerCacheConfig } from "../../platform/config/container-cache.config";
import { ContainerCache } from "../../platform/container-cache";
import { NotFoundError, ValidationError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { PipelineEntity } from "./pipeline.entity";
import type { Pipeline, PipelineBoard } from "./pipeline.schema";
import { allCurrencies, loadStageTotals, type StageTotalItem } from "./stage-totals";

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

/** Each organisation's pipelines as this container last read them (see ContainerCache for how stale). */
const pipelinesKept = new ContainerCache<PipelineItem[]>("Pipeline", () => containerCacheConfig().pipelineMilliseconds);

/** Forgets the organisation's pipelines this container may have kept, once they changed here or proved stale. */
export function forgetPipelines(orgId: string): void {
  pipelinesKept.forget(orgId);
}

/**
 * The pipeline a deal write validates against: the one named, or the organisation's default, from this container's
 * copy of its pipelines when it has one (PIPELINE_CACHE_MS), so most deal writes read no pipeline at all. A copy
 * that lacks the pipeline or the stage the write names is read again (added elsewhere meanwhile); one that is
 * merely older is caught by the write's own check of the pipeline's version (`pipelineUnchanged` in deals).
 */
export async function pipelineForDeal(
  orgId: string,
  wanted: { pipelineId?: string; stageId?: string },
): Promise<PipelineItem | undefined> {
  const pick = (pipelines: PipelineItem[]) =>
    wanted.pipelineId
      ? pipelines.find((pipeline) => pipeline.pipelineId === wanted.pipelineId)
      : (pipelines.find((pipeline) => pipeline.isDefault) ?? pipelines[0]);
  const fits = (pipeline: PipelineItem | undefined) =>
    pipeline !== undefined &&
    (wanted.stageId === undefined || pipeline.stages.some((stage) => stage.stageId === wanted.stageId));
  const kept = pick((await pipelinesKept.get(orgId, () => loadPipelines(orgId))) ?? []);
  if (fits(kept)) return kept;
  forgetPipelines(orgId);
  return pick((await pipelinesKept.get(orgId, () => loadPipelines(orgId))) ?? []);
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

export async function listPipelines(context: TenantContext): Promise<{ data: Pipeline[]; nextCursor: null }> {
  const pipelines = await loadPipelines(context.orgId);
  return { data: pipelines.map(toPipeline), nextCursor: null };
}

export async function getPipeline(context: TenantContext, pipelineId: string): Promise<Pipeline> {
  return toPipeline(await loadPipeline(context.orgId, pipelineId));
}

/** How many deals a stage holds, in every currency. */
export const dealCountOf = (totals: StageTotalItem[], stageId: string) =>
  totals.find((total) => total.stageId === stageId && total.currency === allCurrencies)?.dealCount ?? 0;

/**
 * Per stage the number and value of its deals, and the probability-weighted forecast: two reads (the pipeline and
 * its totals), whatever the number of deals.
 */
export async function getPipelineBoard(context: TenantContext, pipelineId: string): Promise<PipelineBoard> {
  const [pipeline, totals] = await Promise.all([
    loadPipeline(context.orgId, pipelineId),
    loadStageTotals(context.orgId, pipelineId),
  ]);
  const forecast = new Map<string, PipelineBoard["forecast"][number]>();
  const stages = toPipeline(pipeline).stages.map((stage) => {
    const rows = totals.filter(
      (total) =>
        total.stageId === stage.id &&
        total.currency !== allCurrencies &&
        (total.dealCount !== 0 || total.valueSum !== 0),
    );
    for (const row of rows) {
      const entry = forecast.get(row.currency) ?? {
        currency: row.currency,
        openCount: 0,
        openValue: 0,
        weightedValue: 0,
        wonCount: 0,
        wonValue: 0,
        lostCount: 0,
        lostValue: 0,
      };
      entry[`${stage.kind}Count`] += row.dealCount;
      entry[`${stage.kind}Value`] += row.valueSum;
      if (stage.kind === "open") entry.weightedValue += Math.round((row.valueSum * stage.probability) / 100);
      forecast.set(row.currency, entry);
    }
    return {
      ...stage,
      dealCount: dealCountOf(totals, stage.id),
      totals: rows
        .map((row) => ({
          currency: row.currency,
          value: row.valueSum,
          weightedValue: Math.round((row.valueSum * stage.probability) / 100),
        }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  });
  return {
    pipelineId,
    stages,
    forecast: [...forecast.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
