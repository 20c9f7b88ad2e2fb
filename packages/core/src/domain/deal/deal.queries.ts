import type { EntityItem } from "electrodb";

import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import { filterOf, listWhere } from "../../capabilities/filter/filter";

import { readTagPage } from "../../capabilities/tag-index/tag-index.service";

import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { type QueryPage, readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { noCompany } from "../company/company.constants";
import { loadPipeline } from "../pipeline/pipeline.queries";
import { DealEntity, noCloseDate } from "./deal.entity";
import { dealFilterFields } from "./deal.filter-fields";
import type { Deal, ListDealsQuery, ListRottingDealsQuery, RottingDeal, StageHistory } from "./deal.schema";
import { DealStageMoveEntity } from "./deal-stage-move.entity";

export type DealItem = EntityItem<typeof DealEntity>;

export function toDeal(item: DealItem): Deal {
  return {
    id: item.dealId,
    title: item.title,
    value: { amount: item.amount, currency: item.currency },
    pipelineId: item.pipelineId,
    stageId: item.stageId,
    status: item.status,
    lostReason: item.lostReason ?? null,
    ownerId: item.ownerId,
    expectedCloseDate: item.expectedCloseDate ?? null,
    companyId: item.companyId ?? null,
    contactIds: item.contactIds,
    tags: item.tags,
    customFields: (item.customFields as Record<string, unknown> | undefined) ?? {},
    stageEnteredAt: item.stageEnteredAt,
    lastActivityAt: item.lastActivityAt ?? null,
    closedAt: item.closedAt ?? null,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export async function loadDeal(context: TenantContext, dealId: string): Promise<DealItem> {
  if (!isIdOf("deal", dealId)) throw new NotFoundError("deal", dealId);
  const { data } = await DealEntity.get({ orgId: context.orgId, dealId }).go({ consistent: true });
  if (!data) throw new NotFoundError("deal", dealId);
  return data;
}

export async function getDeal(context: TenantContext, dealId: string): Promise<Deal> {
  return toDeal(await loadDeal(context, dealId));
}

/**
 * The deal's stage moves, oldest first, with the time spent in each stage (until the next move, or until now): the
 * deal (for the 404) and its move items, read at once.
 */
export async function getDealStageHistory(context: TenantContext, dealId: string): Promise<StageHistory> {
  const [, { data: history }] = await Promise.all([
    loadDeal(context, dealId),
    DealStageMoveEntity.query.stageMovesOfDeal({ orgId: context.orgId, dealId }).go({ pages: "all", consistent: true }),
  ]);
  const until = Date.now();
  const moves = history.map((move, index) => {
    const leftAt = history[index + 1]?.at;
    const seconds = Math.max(0, Math.round(((leftAt ? Date.parse(leftAt) : until) - Date.parse(move.at)) / 1000));
    return {
      fromStageId: move.fromStageId ?? null,
      toStageId: move.toStageId,
      at: move.at,
      by: move.by,
      secondsInStage: seconds,
    };
  });
  const timeInStages = new Map<string, number>();
  for (const move of moves) {
    timeInStages.set(move.toStageId, (timeInStages.get(move.toStageId) ?? 0) + move.secondsInStage);
  }
  return {
    dealId,
    moves,
    timeInStages: [...timeInStages].map(([stageId, seconds]) => ({ stageId, seconds })),
  };
}

/**
 * Lists deals through the index that serves the most selective criterion: pipeline (and stage), expected close
 * date range or status, owner, company, or newest first. Other criteria filter that index (never a Scan).
 */
export async function listDeals(context: TenantContext, query: ListDealsQuery): Promise<Page<Deal>> {
  if (servedByTagIndex(query)) return listDealsByTag(context, query);
  const { orgId } = context;
  const deals = DealEntity.query;
  const byCloseDate = query.closeFrom !== undefined || query.closeTo !== undefined;
  const filter = filterOf(
    await filterFieldsWithCustomFields(orgId, "deal", dealFilterFields, query.filter),
    query.filter,
  );
  // An owner or company every group of the filter requires is served by its index, as the parameter is.
  const ownerId = query.ownerId ?? filter?.required("ownerId");
  const companyId = query.companyId ?? filter?.required("companyId");
  const indexed = query.pipelineId
    ? "stage"
    : byCloseDate || query.status
      ? "status"
      : ownerId
        ? "owner"
        : companyId
          ? "company"
          : "creation";
  const status = indexed === "status" ? (query.status ?? "open") : undefined;
  const filters = {
    ownerId: indexed === "owner" ? undefined : query.ownerId,
    companyId: indexed === "company" ? undefined : query.companyId,
    status: indexed === "status" ? undefined : query.status,
    tag: query.tag,
  };
  const where = listWhere(filter, [
    { attribute: "ownerId", op: "eq", value: filters.ownerId },
    { attribute: "companyKey", op: "eq", value: filters.companyId },
    { attribute: "status", op: "eq", value: filters.status },
    { attribute: "tags", op: "contains", value: filters.tag },
  ]);
  const base =
    indexed === "stage"
      ? deals.dealsByStage({
          orgId,
          pipelineId: query.pipelineId ?? "",
          ...(query.stageId ? { stageId: query.stageId } : {}),
        })
      : indexed === "status"
        ? deals
            .dealsByStatus({ orgId, status: status ?? "open" })
            // Inclusive upper bound: "~" sorts after the "#" that follows the date in the key. Deals without a
            // close date sort last and belong only to lists that ask for no date range.
            .between(
              { closeKey: query.closeFrom ?? "0000-01-01" },
              { closeKey: `${query.closeTo ?? (byCloseDate ? "9999-12-30" : noCloseDate)}~` },
            )
        : indexed === "owner"
          ? deals.dealsByOwner({ orgId, ownerId: ownerId ?? "" })
          : indexed === "company"
            ? deals.dealsByCompany({ orgId, companyKey: companyId ?? noCompany })
            : deals.dealsByCreation({ orgId });
  const withFilters = where ? base.where(where) : base;
  const order = indexed === "status" ? "asc" : "desc";
  const run: QueryPage<DealItem> = ({ limit, cursor }) => withFilters.go({ limit, cursor, order });
  return readPage(run, {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "deals", orgId, indexed, ...query, limit: undefined, cursor: undefined }),
    filtered: where !== undefined,
    map: toDeal,
  });
}

/**
 * Open deals that had neither an activity nor a stage change for longer than their stage's rotting days, most
 * neglected first: one range query per rotting stage, continued across stages by the cursor.
 */
export async function listRottingDeals(
  context: TenantContext,
  pipelineId: string,
  query: ListRottingDealsQuery,
): Promise<Page<RottingDeal>> {
  const { orgId } = context;
  const pipeline = await loadPipeline(orgId, pipelineId);
  const stages = pipeline.stages.filter((stage) => stage.kind === "open" && stage.rottingDays);
  const daysOf = new Map(stages.map((stage) => [stage.stageId, stage.rottingDays ?? 0]));
  const run: QueryPage<DealItem> = async ({ limit, cursor }) => {
    const position = cursor
      ? (JSON.parse(cursor) as { stage: number; inner: string | null })
      : { stage: 0, inner: null };
    const stage = stages[position.stage];
    if (!stage) return { data: [], cursor: null };
    const cutoff = new Date(Date.now() - (stage.rottingDays ?? 0) * 86_400_000).toISOString();
    const result = await DealEntity.query
      .dealsByStage({ orgId, pipelineId, stageId: stage.stageId })
      .between({ touchedAt: "0" }, { touchedAt: cutoff })
      .go({ limit, cursor: position.inner });
    const next = result.cursor
      ? { stage: position.stage, inner: result.cursor }
      : position.stage + 1 < stages.length
        ? { stage: position.stage + 1, inner: null }
        : null;
    return { data: result.data, cursor: next ? JSON.stringify(next) : null };
  };
  return readPage(run, {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "rotting-deals", orgId, pipelineId }),
    filtered: true,
    map: (item) => ({
      ...toDeal(item),
      rottingSince: new Date(Date.parse(item.touchedAt) + (daysOf.get(item.stageId) ?? 0) * 86_400_000).toISOString(),
    }),
  });
}

/** `?tag=` alone (newest first, as the deals list sorts) is a page of the tag index; with anything else a filter. */
function servedByTagIndex(query: ListDealsQuery): query is ListDealsQuery & { tag: string } {
  const { limit: _limit, cursor: _cursor, tag, ...narrowings } = query;
  return tag !== undefined && Object.values(narrowings).every((value) => value === undefined);
}

/** A page of the deals with one tag: one Query of the tag index, one BatchGetItem of the deals. */
function listDealsByTag(context: TenantContext, query: ListDealsQuery & { tag: string }): Promise<Page<Deal>> {
  const { orgId } = context;
  return readTagPage({
    orgId,
    recordType: "deal",
    tag: query.tag,
    order: "desc",
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "deals", path: "tag-index", orgId, tag: query.tag }),
    load: async (dealIds) => {
      const keys = dealIds.map((dealId) => ({ orgId, dealId }));
      const { data, unprocessed } = await DealEntity.get(keys).go({ consistent: true });
      return { data, unprocessed: unprocessed.map((key) => key.dealId) };
    },
    idOf: (item) => item.dealId,
    tagsOf: (item) => item.tags,
    map: toDeal,
  });
}
