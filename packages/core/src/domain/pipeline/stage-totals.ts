import type { EntityItem } from "electrodb";
import { inTransaction } from "../../platform/table";
import { StageTotalEntity } from "./stage-total.entity";

export type StageTotalItem = EntityItem<typeof StageTotalEntity>;

/** A deal's contribution to the totals: where it sits and what it is worth. */
export type DealPosition = { pipelineId: string; stageId: string; currency: string; value: number };

/**
 * The currency of the row that counts a stage's deals in every currency. Its key is known without reading, so a
 * stage removal can check "no deals here" in its own transaction and collide with any deal moving in meanwhile.
 */
export const allCurrencies = "*";

type Delta = { pipelineId: string; stageId: string; currency: string; dealCount: number; valueSum: number };

/**
 * The transaction actions that move a deal's contribution from `before` to `after` (null for creation or
 * deletion). Deltas on the same totals item are merged, because a transaction may touch an item only once, and
 * zero deltas are dropped.
 */
export function stageTotalActions(orgId: string, before: DealPosition | null, after: DealPosition | null) {
  const deltas = new Map<string, Delta>();
  const add = (position: Omit<Delta, "dealCount" | "valueSum">, dealCount: number, valueSum: number) => {
    const key = `${position.pipelineId}|${position.stageId}|${position.currency}`;
    const delta = deltas.get(key) ?? { ...position, dealCount: 0, valueSum: 0 };
    delta.dealCount += dealCount;
    delta.valueSum += valueSum;
    deltas.set(key, delta);
  };
  const apply = ({ pipelineId, stageId, currency, value }: DealPosition, sign: 1 | -1) => {
    add({ pipelineId, stageId, currency }, sign, sign * value);
    add({ pipelineId, stageId, currency: allCurrencies }, sign, 0);
  };
  if (before) apply(before, -1);
  if (after) apply(after, 1);
  return [...deltas.values()]
    .filter((delta) => delta.dealCount !== 0 || delta.valueSum !== 0)
    .map(({ pipelineId, stageId, currency, dealCount, valueSum }) =>
      inTransaction(StageTotalEntity)
        .update({ orgId, pipelineId, stageId, currency })
        .add({ dealCount, valueSum })
        .commit(),
    );
}

/** All totals of a pipeline: one strongly consistent query, however many deals there are. */
export async function loadStageTotals(orgId: string, pipelineId: string): Promise<StageTotalItem[]> {
  const { data } = await StageTotalEntity.query
    .stageTotalsOfPipeline({ orgId, pipelineId })
    .go({ consistent: true, pages: "all" });
  return data;
}
