import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { changeSet, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import { PipelineEntity } from "./pipeline.entity";
import { PipelineInUseError } from "./pipeline.errors";
import {
  dealCountOf,
  forgetPipelines,
  loadPipeline,
  loadPipelines,
  type PipelineItem,
  type StageItem,
  toPipeline,
} from "./pipeline.queries";
import type { CreatePipelineInput, Pipeline, UpdatePipelineInput } from "./pipeline.schema";
import { relocateStage } from "./stage-removal";
import { StageTotalEntity } from "./stage-total.entity";
import { allCurrencies, loadStageTotals } from "./stage-totals";

const auditedFields = ["name", "isDefault", "stages"] as const;

function toStageItem(stage: {
  name: string;
  probability: number;
  kind: StageItem["kind"];
  rottingDays?: number | null;
}) {
  return {
    name: stage.name,
    probability: stage.probability,
    kind: stage.kind,
    ...(stage.rottingDays ? { rottingDays: stage.rottingDays } : {}),
  };
}

export async function createPipeline(context: TenantContext, input: CreatePipelineInput): Promise<Pipeline> {
  const { orgId, actor } = context;
  const existing = await loadPipelines(orgId);
  const at = now();
  const pipeline: PipelineItem = {
    orgId,
    pipelineId: newId("pipeline"),
    name: input.name,
    isDefault: existing.length === 0,
    stages: input.stages.map((stage) => ({ stageId: newId("stage"), ...toStageItem(stage) })),
    version: 1,
    createdBy: actor.memberId,
    createdAt: at,
    updatedAt: at,
  };
  await changeSet()
    .add("pipeline", inTransaction(PipelineEntity).create(pipeline).commit())
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "pipeline",
        recordId: pipeline.pipelineId,
        action: "created",
        changes: fieldChanges(null, pipeline, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("pipeline", pipeline.pipelineId));
  forgetPipelines(context.orgId);
  return toPipeline(pipeline);
}

/** The new stage list: kept stages by id (with their new name, weight, order), added ones with fresh ids. */
function resolveStages(current: PipelineItem, stages: NonNullable<UpdatePipelineInput["stages"]>): StageItem[] {
  const seen = new Set<string>();
  return stages.map((stage, index) => {
    if (stage.id === undefined) return { stageId: newId("stage"), ...toStageItem(stage) };
    if (!current.stages.some((existing) => existing.stageId === stage.id) || seen.has(stage.id)) {
      throw new ValidationError([
        { path: `body.stages.${index}.id`, message: "Not a stage of this pipeline, or listed twice." },
      ]);
    }
    seen.add(stage.id);
    return { stageId: stage.id, ...toStageItem(stage) };
  });
}

/**
 * Renames, reorders, re-weights, adds and removes stages in one request. Deals in removed stages are first moved
 * to the stage `moveDealsTo` names (each move recorded like any other); the pipeline then changes only if those
 * stages are empty at that moment, checked in the same transaction.
 */
export async function updatePipeline(
  context: TenantContext,
  pipelineId: string,
  input: UpdatePipelineInput,
  preconditions?: Preconditions,
): Promise<Pipeline> {
  const { orgId } = context;
  return retryingConflicts(async () => {
    let current = await loadPipeline(orgId, pipelineId);
    assertPreconditions(preconditions, current, "pipeline", pipelineId);
    const stages = input.stages ? resolveStages(current, input.stages) : current.stages;
    const kept = new Set(stages.map((stage) => stage.stageId));
    const removed = current.stages.filter((stage) => !kept.has(stage.stageId));
    const rekinded = current.stages.filter((stage) =>
      stages.some((next) => next.stageId === stage.stageId && next.kind !== stage.kind),
    );
    const moves = input.moveDealsTo ?? {};
    for (const [from, to] of Object.entries(moves)) {
      if (!removed.some((stage) => stage.stageId === from)) {
        throw new ValidationError([{ path: `body.moveDealsTo.${from}`, message: "Not a stage this update removes." }]);
      }
      if (!current.stages.some((stage) => stage.stageId === to) || !kept.has(to)) {
        throw new ValidationError([
          { path: `body.moveDealsTo.${from}`, message: "Must be a stage the pipeline keeps." },
        ]);
      }
    }

    const totals = await loadStageTotals(orgId, pipelineId);
    for (const stage of rekinded) {
      if (dealCountOf(totals, stage.stageId) > 0) {
        const index = stages.findIndex((next) => next.stageId === stage.stageId);
        throw new ValidationError([
          {
            path: `body.stages.${index}.kind`,
            message: "This stage has deals; move them out before changing its kind.",
          },
        ]);
      }
    }
    for (const stage of removed) {
      const count = dealCountOf(totals, stage.stageId);
      if (count > 0 && !moves[stage.stageId]) {
        throw new ValidationError([
          {
            path: `body.moveDealsTo.${stage.stageId}`,
            message: `Stage "${stage.name}" still has ${count} deal(s); name a kept stage to move them to.`,
          },
        ]);
      }
    }
    const relocations = removed.filter((stage) => moves[stage.stageId] && dealCountOf(totals, stage.stageId) > 0);
    for (const stage of relocations) {
      await relocateStage(context, current, stage.stageId, moves[stage.stageId] as string);
    }
    if (relocations.length > 0) current = await loadPipeline(orgId, pipelineId);

    const otherDefaults =
      input.isDefault && !current.isDefault
        ? (await loadPipelines(orgId)).filter((pipeline) => pipeline.isDefault && pipeline.pipelineId !== pipelineId)
        : [];
    const next: PipelineItem = {
      ...current,
      name: input.name ?? current.name,
      isDefault: input.isDefault ?? current.isDefault,
      stages,
      version: current.version + 1,
      updatedAt: now(),
    };
    const mustBeEmpty = [...removed, ...rekinded].map((stage) => stage.stageId);
    // The all-currency row of each emptied stage must count zero deals at commit time; removed stages lose it.
    const stageEmpty = (stageId: string) => {
      const key = { orgId, pipelineId, stageId, currency: allCurrencies };
      return kept.has(stageId)
        ? inTransaction(StageTotalEntity)
            .check(key)
            .where(({ dealCount }, { eq, notExists }) => `(${notExists(dealCount)} OR ${eq(dealCount, 0)})`)
            .commit()
        : inTransaction(StageTotalEntity)
            .delete(key)
            .where(({ dealCount }, { eq, notExists }) => `(${notExists(dealCount)} OR ${eq(dealCount, 0)})`)
            .commit();
    };
    await changeSet()
      .add(
        "pipeline",
        inTransaction(PipelineEntity)
          .patch({ orgId, pipelineId })
          .set({
            name: next.name,
            isDefault: next.isDefault,
            stages: next.stages,
            version: next.version,
            updatedAt: next.updatedAt,
          })
          .where((attributes, { eq }) => eq(attributes.version, current.version))
          .commit(),
      )
      .addAll(steps("stage empty", [...new Set(mustBeEmpty)].map(stageEmpty)))
      .addAll(
        steps(
          "former default",
          otherDefaults.map((pipeline) =>
            inTransaction(PipelineEntity)
              .patch({ orgId, pipelineId: pipeline.pipelineId })
              .set({ isDefault: false, version: pipeline.version + 1, updatedAt: next.updatedAt })
              .where((attributes, { eq }) => eq(attributes.version, pipeline.version))
              .commit(),
          ),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "pipeline",
          recordId: pipelineId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("pipeline", pipelineId));
    forgetPipelines(context.orgId);
    return toPipeline(next);
  });
}

/** Deletes a pipeline that holds no deals and is not the default; its (zero) totals go with it. */
export async function deletePipeline(
  context: TenantContext,
  pipelineId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const { orgId } = context;
  const current = await loadPipeline(orgId, pipelineId);
  assertPreconditions(preconditions, current, "pipeline", pipelineId);
  if (current.isDefault) {
    throw new PipelineInUseError("The default pipeline cannot be deleted; make another pipeline the default first.");
  }
  const totals = await loadStageTotals(orgId, pipelineId);
  const deals = totals
    .filter((total) => total.currency === allCurrencies)
    .reduce((sum, total) => sum + total.dealCount, 0);
  if (deals > 0) throw new PipelineInUseError(`The pipeline still has ${deals} deal(s); move or delete them first.`);
  await changeSet()
    .add(
      "pipeline",
      inTransaction(PipelineEntity)
        .delete({ orgId, pipelineId })
        .where((attributes, { eq }) => eq(attributes.version, current.version))
        .commit(),
    )
    .addAll(
      steps(
        "stage total",
        totals.map(({ stageId, currency }) =>
          inTransaction(StageTotalEntity)
            .delete({ orgId, pipelineId, stageId, currency })
            .where((attributes, { eq }) => eq(attributes.dealCount, 0))
            .commit(),
        ),
      ),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "pipeline",
        recordId: pipelineId,
        action: "deleted",
        changes: fieldChanges(current, null, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("pipeline", pipelineId));
  forgetPipelines(context.orgId);
}
