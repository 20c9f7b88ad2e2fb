import type { EntityItem } from "electrodb";
import type { TenantContext } from "../../platform/request-context";
import type { PipelineEntity } from "./pipeline.entity";

type PipelineItem = EntityItem<typeof PipelineEntity>;

/** Moves the records in a stage that is being removed to another stage of the same pipeline. */
export type StageRelocation = (
  context: TenantContext,
  pipeline: PipelineItem,
  fromStageId: string,
  toStageId: string,
) => Promise<void>;

/**
 * Who moves what a removed stage holds. The pipeline triggers it without importing deals: the composition module
 * registers the deals' relocation, so the pipeline module and the deal module do not import each other.
 */
let relocation: StageRelocation | undefined;

/** Registers the relocation of a removed stage's deals (composition/cascades.ts). */
export function registerStageRelocation(relocate: StageRelocation): void {
  relocation = relocate;
}

/** Moves a removed stage's deals to `toStageId`. */
export async function relocateStage(
  context: TenantContext,
  pipeline: PipelineItem,
  fromStageId: string,
  toStageId: string,
): Promise<void> {
  if (!relocation) {
    throw new Error("No stage relocation is registered: a function that changes pipelines must import the cascades.");
  }
  await relocation(context, pipeline, fromStageId, toStageId);
}
