import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { assertCanDelete, assertCanReassign, assertCanWrite } from "../../capabilities/authorization/policy";
import {
  customFieldValuesAfterWrite,
  storedCustomFields,
  storedSearchedCustomFields,
  valuesOfLiveFields,
} from "../../capabilities/custom-fields/custom-field.service";
import { searchDocumentOfDeal, searchTermActions } from "../../capabilities/search/search.service";
import { RestoreConflictError } from "../../capabilities/trash/trash.errors";
import { moveToTrashAction, takeFromTrashAction } from "../../capabilities/trash/trash-actions";
import { type ChangeStep, changeSet, step, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, DomainError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId, newUlid } from "../../platform/ids";
import { newRecordOwner, type TenantContext } from "../../platform/request-context";
import { sortKeyOf } from "../../platform/schema";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import {
  type LinkPlan,
  linkedRecords,
  linkPlanSteps,
  planLinks,
  unlinkActions,
} from "../association/association.service";
import { detachFromHolders, type LinkCascade, relinkToHolders, replacedId } from "../association/link-cascades";
import { noCompany } from "../company/company.constants";
import { CompanyEntity } from "../company/company.entity";
import { companyLinks } from "../company/company.links";
import { ContactEntity } from "../contact/contact.entity";
import { contactLinks } from "../contact/contact.links";
import { PipelineEntity } from "../pipeline/pipeline.entity";
import {
  firstOpenStage,
  forgetPipelines,
  loadPipeline,
  type PipelineItem,
  pipelineForDeal,
  type StageItem,
  stageOf,
} from "../pipeline/pipeline.queries";
import { type DealPosition, stageTotalActions } from "../pipeline/stage-totals";
import { type Reference, referenceSteps, withCustomFieldMembers } from "../references";
import { DealEntity, noCloseDate } from "./deal.entity";
import { type DealItem, loadDeal, toDeal } from "./deal.queries";
import type { CreateDealInput, Deal, MoveDealInput, UpdateDealInput } from "./deal.schema";
import { DealStageMoveEntity } from "./deal-stage-move.entity";

/** The hidden key attributes, derived from visible ones on every write (reads do not return them). */
const derivedKeys = (deal: DealItem) => ({
  closeKey: deal.expectedCloseDate ?? noCloseDate,
  companyKey: deal.companyId ?? noCompany,
  sortName: sortKeyOf(deal.title),
});

/** The fields of a deal that its audit history tracks. */
const auditedFields = [
  "title",
  "amount",
  "currency",
  "pipelineId",
  "stageId",
  "status",
  "lostReason",
  "ownerId",
  "expectedCloseDate",
  "companyId",
  "contactIds",
  "tags",
  "customFields",
] as const;

const positionOf = (deal: DealItem): DealPosition => ({
  pipelineId: deal.pipelineId,
  stageId: deal.stageId,
  currency: deal.currency,
  value: deal.amount,
});

/** The deal's links to its contacts and its company, from one version of the deal to the next. */
function dealLinkPlans(dealId: string, before: DealItem | null, after: DealItem | null): LinkPlan[] {
  const owner = { type: "deal" as const, id: dealId };
  const companies = (deal: DealItem | null) => (deal?.companyId ? [deal.companyId] : []);
  return [
    planLinks(owner, contactLinks, before?.contactIds ?? [], after?.contactIds ?? []),
    planLinks(owner, companyLinks, companies(before), companies(after)),
  ];
}

/** A linked contact or company that does not exist, reported on the field that names it. */
function missingDealLink(plan: LinkPlan) {
  return (missing: string) =>
    new ValidationError([
      {
        path: plan.target.type === "contact" ? "body.contactIds" : "body.companyId",
        message: `No ${plan.target.type} with id ${missing} exists in this organisation.`,
      },
    ]);
}

/**
 * A deal write is valid only against the pipeline version whose stages it was checked against. When the pipeline
 * has changed since (in this container's copy, changed elsewhere), the copy is forgotten and the write runs again
 * on a fresh read (retryingConflicts).
 */
const pipelineUnchanged = (pipeline: PipelineItem) =>
  step(
    "pipeline unchanged",
    inTransaction(PipelineEntity)
      .check({ orgId: pipeline.orgId, pipelineId: pipeline.pipelineId })
      .where((attributes, { eq }) => eq(attributes.version, pipeline.version))
      .commit(),
    () => {
      forgetPipelines(pipeline.orgId);
      return new ConcurrentModificationError("pipeline", pipeline.pipelineId);
    },
  );

function assertLostReasonFits(stage: StageItem, lostReason: string | null | undefined) {
  if (lostReason && stage.kind !== "lost") {
    throw new ValidationError([{ path: "body.lostReason", message: "Only deals in a lost stage have a lost reason." }]);
  }
}

async function pipelineForNewDeal(
  orgId: string,
  pipelineId: string | undefined,
  stageId: string | undefined,
): Promise<PipelineItem> {
  const pipeline = await pipelineForDeal(orgId, {
    ...(pipelineId ? { pipelineId } : {}),
    ...(stageId ? { stageId } : {}),
  });
  if (pipeline) return pipeline;
  throw new ValidationError([
    pipelineId
      ? { path: "body.pipelineId", message: "No pipeline with this id exists here." }
      : { path: "body.pipelineId", message: "This organisation has no pipeline yet." },
  ]);
}

/**
 * What puts a new deal in place, created or restored: the item, the check that its pipeline is as read, its
 * references, its links (with `reportMissingLinks`, a missing contact or company is a 400 on its field; a restore
 * links only what it found), its stage totals and its search terms.
 */
function newDealSteps(
  orgId: string,
  deal: DealItem,
  pipeline: PipelineItem,
  references: Reference[],
  at: string,
  { reportMissingLinks }: { reportMissingLinks: boolean },
): ChangeStep[] {
  return [
    step(
      "deal",
      inTransaction(DealEntity)
        .create({ ...deal, ...derivedKeys(deal) })
        .commit(),
    ),
    pipelineUnchanged(pipeline),
    ...referenceSteps(orgId, { type: "deal", id: deal.dealId }, references),
    ...dealLinkPlans(deal.dealId, null, deal).flatMap((plan) =>
      linkPlanSteps(orgId, plan, at, reportMissingLinks ? missingDealLink(plan) : undefined),
    ),
    ...steps("stage total", stageTotalActions(orgId, null, positionOf(deal))),
    ...steps(
      "search term",
      searchTermActions(orgId, { recordType: "deal", recordId: deal.dealId }, null, searchDocumentOfDeal(deal)),
    ),
  ];
}

/**
 * Creates a deal. An importer may give the id (derived from the import and the line), so that a re-run of a line
 * collides on the key instead of making a second deal.
 */
export async function createDeal(
  context: TenantContext,
  input: CreateDealInput,
  options: { dealId?: string } = {},
): Promise<Deal> {
  assertCanWrite(context.actor);
  const { orgId, actor } = context;
  const dealId = options.dealId ?? newId("deal");
  return retryingConflicts(async () => {
    const pipeline = await pipelineForNewDeal(orgId, input.pipelineId, input.stageId);
    const stage = input.stageId ? stageOf(pipeline, input.stageId, "body.stageId") : firstOpenStage(pipeline);
    assertLostReasonFits(stage, input.lostReason);
    const custom = await customFieldValuesAfterWrite(orgId, "deal", input.customFields, undefined, "create");
    const at = now();
    const deal: DealItem = {
      orgId,
      dealId,
      title: input.title,
      amount: input.value.amount,
      currency: input.value.currency,
      pipelineId: pipeline.pipelineId,
      stageId: stage.stageId,
      status: stage.kind,
      lostReason: input.lostReason,
      ownerId: input.ownerId ?? newRecordOwner(actor),
      expectedCloseDate: input.expectedCloseDate,
      companyId: input.companyId ?? undefined,
      contactIds: input.contactIds ?? [],
      tags: input.tags ?? [],
      customFields: storedCustomFields(custom?.values ?? {}),
      searchedCustomFields: custom ? storedSearchedCustomFields(custom) : undefined,
      stageEnteredAt: at,
      touchedAt: at,
      closedAt: stage.kind === "open" ? undefined : at,
      version: 1,
      createdBy: actor.memberId,
      createdAt: at,
      updatedAt: at,
    };
    const references = withCustomFieldMembers(
      deal.ownerId !== actor.memberId ? [{ kind: "owner" as const, memberId: deal.ownerId }] : [],
      custom?.memberReferences ?? [],
    );
    await changeSet()
      .addAll(newDealSteps(orgId, deal, pipeline, references, at, { reportMissingLinks: true }))
      .add("stage move", stageMoveAction(context, deal, { toStageId: stage.stageId, at }))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "deal",
          recordId: dealId,
          action: "created",
          changes: fieldChanges(null, deal, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("deal", dealId));
    return toDeal(deal);
  });
}

/** The item that records a move of the deal into a stage (or the stage it was created in: no `fromStageId`). */
function stageMoveAction(
  context: TenantContext,
  deal: Pick<DealItem, "orgId" | "dealId">,
  move: { fromStageId?: string; toStageId: string; at: string },
) {
  return inTransaction(DealStageMoveEntity)
    .create({ orgId: deal.orgId, dealId: deal.dealId, moveId: newUlid(), by: context.actor.memberId, ...move })
    .commit();
}

/** Every key attribute of the deal's indexes, so a patch keeps all of them in step (ElectroDB needs whole keys). */
function indexedAttributes(deal: DealItem) {
  return {
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    touchedAt: deal.touchedAt,
    ownerId: deal.ownerId,
    status: deal.status,
    ...derivedKeys(deal),
  };
}

/** Writes `next` over `current` in one transaction with the given extra actions; undefined fields are removed. */
function dealPatch(current: DealItem, next: DealItem) {
  const optional = [
    "lostReason",
    "expectedCloseDate",
    "companyId",
    "lastActivityAt",
    "closedAt",
    "customFields",
    "searchedCustomFields",
  ] as const;
  const present = Object.fromEntries(optional.filter((field) => next[field] !== undefined).map((f) => [f, next[f]]));
  return inTransaction(DealEntity)
    .patch({ orgId: current.orgId, dealId: current.dealId })
    .set({
      ...present,
      ...indexedAttributes(next),
      title: next.title,
      amount: next.amount,
      currency: next.currency,
      contactIds: next.contactIds,
      tags: next.tags,
      stageEnteredAt: next.stageEnteredAt,
      version: next.version,
      updatedAt: next.updatedAt,
    })
    .remove(optional.filter((field) => next[field] === undefined))
    .where((attributes, { eq }) => eq(attributes.version, current.version))
    .commit();
}

export async function updateDeal(
  context: TenantContext,
  dealId: string,
  input: UpdateDealInput,
  preconditions?: Preconditions,
): Promise<Deal> {
  assertCanWrite(context.actor);
  return retryingConflicts(async () => {
    const current = await loadDeal(context, dealId);
    assertPreconditions(preconditions, current, "deal", dealId);
    if (input.ownerId !== undefined && input.ownerId !== current.ownerId) {
      assertCanReassign(context.actor, current, "deal");
    }
    if (input.lostReason && current.status !== "lost") {
      throw new ValidationError([{ path: "body.lostReason", message: "Only lost deals have a lost reason." }]);
    }
    const keep = <K extends keyof UpdateDealInput>(key: K, fallback: string | undefined) =>
      input[key] === undefined ? fallback : ((input[key] as string | null) ?? undefined);
    const expectedCloseDate = keep("expectedCloseDate", current.expectedCloseDate);
    const companyId = keep("companyId", current.companyId);
    const custom = await customFieldValuesAfterWrite(
      context.orgId,
      "deal",
      input.customFields,
      current.customFields as Record<string, unknown> | undefined,
      "update",
    );
    const next: DealItem = {
      ...current,
      title: input.title ?? current.title,
      amount: input.value?.amount ?? current.amount,
      currency: input.value?.currency ?? current.currency,
      ownerId: input.ownerId ?? current.ownerId,
      expectedCloseDate,
      companyId,
      contactIds: input.contactIds ?? current.contactIds,
      tags: input.tags ?? current.tags,
      customFields: custom ? storedCustomFields(custom.values) : current.customFields,
      searchedCustomFields: custom ? storedSearchedCustomFields(custom) : current.searchedCustomFields,
      lostReason: keep("lostReason", current.lostReason),
      version: current.version + 1,
      updatedAt: now(),
    };
    const references = withCustomFieldMembers(
      next.ownerId !== current.ownerId ? [{ kind: "owner" as const, memberId: next.ownerId }] : [],
      custom?.memberReferences ?? [],
    );
    const plans = dealLinkPlans(dealId, current, next);
    await changeSet()
      .add("deal", dealPatch(current, next))
      .addAll(referenceSteps(context.orgId, { type: "deal", id: dealId }, references))
      .addAll(plans.flatMap((plan) => linkPlanSteps(context.orgId, plan, next.updatedAt, missingDealLink(plan))))
      .addAll(steps("stage total", stageTotalActions(context.orgId, positionOf(current), positionOf(next))))
      .addAll(
        steps(
          "search term",
          searchTermActions(
            context.orgId,
            { recordType: "deal", recordId: dealId },
            searchDocumentOfDeal(current),
            searchDocumentOfDeal(next),
          ),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "deal",
          recordId: dealId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("deal", dealId));
    return toDeal(next);
  });
}

/** Moves a loaded deal to a stage of its (loaded) pipeline: history, status, totals and audit in one transaction. */
async function applyStageMove(
  context: TenantContext,
  current: DealItem,
  pipeline: PipelineItem,
  stage: StageItem,
  lostReason: string | undefined,
): Promise<DealItem> {
  const at = now();
  const next: DealItem = {
    ...current,
    stageId: stage.stageId,
    status: stage.kind,
    lostReason: stage.kind === "lost" ? (lostReason ?? current.lostReason) : undefined,
    stageEnteredAt: stage.stageId === current.stageId ? current.stageEnteredAt : at,
    touchedAt: at,
    closedAt: stage.kind === "open" ? undefined : current.status === stage.kind ? current.closedAt : at,
    version: current.version + 1,
    updatedAt: at,
  };
  const move =
    stage.stageId === current.stageId
      ? []
      : [
          step(
            "stage move",
            stageMoveAction(context, current, { fromStageId: current.stageId, toStageId: stage.stageId, at }),
          ),
        ];
  await changeSet()
    .add("deal", dealPatch(current, next))
    .addAll(move)
    .addAll([pipelineUnchanged(pipeline)])
    .addAll(steps("stage total", stageTotalActions(context.orgId, positionOf(current), positionOf(next))))
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "deal",
        recordId: current.dealId,
        action: "stage_changed",
        changes: fieldChanges(current, next, ["stageId", "status", "lostReason"]),
      }),
    )
    .commit(() => new ConcurrentModificationError("deal", current.dealId));
  return next;
}

/** Moves a deal to another stage of its pipeline; won and lost stages close it, open ones reopen it. */
export async function moveDealToStage(
  context: TenantContext,
  dealId: string,
  input: MoveDealInput,
  preconditions?: Preconditions,
): Promise<Deal> {
  assertCanWrite(context.actor);
  return retryingConflicts(async () => {
    const current = await loadDeal(context, dealId);
    assertPreconditions(preconditions, current, "deal", dealId);
    const pipeline =
      (await pipelineForDeal(context.orgId, { pipelineId: current.pipelineId, stageId: input.stageId })) ??
      (await loadPipeline(context.orgId, current.pipelineId));
    const stage = stageOf(pipeline, input.stageId, "body.stageId");
    assertLostReasonFits(stage, input.lostReason);
    if (stage.stageId === current.stageId && (input.lostReason ?? current.lostReason) === current.lostReason) {
      return toDeal(current);
    }
    return toDeal(await applyStageMove(context, current, pipeline, stage, input.lostReason));
  });
}

/**
 * Moves every deal of one stage to another stage of the same pipeline, each as a recorded stage move; used when a
 * stage is removed. A retry after a failure picks up where it stopped, since moved deals are no longer found.
 */
export async function relocateDeals(
  context: TenantContext,
  pipeline: PipelineItem,
  fromStageId: string,
  toStageId: string,
): Promise<void> {
  const target = stageOf(pipeline, toStageId, "body.moveDealsTo");
  const { orgId } = context;
  const { data } = await DealEntity.query
    .dealsByStage({ orgId, pipelineId: pipeline.pipelineId, stageId: fromStageId })
    .go({ pages: "all", attributes: ["dealId"] });
  for (const { dealId } of data) {
    await retryingConflicts(async () => {
      const current = await loadDeal(context, dealId);
      if (current.pipelineId !== pipeline.pipelineId || current.stageId !== fromStageId) return;
      await applyStageMove(context, current, pipeline, target, undefined);
    });
  }
}

/**
 * Deletes a deal with its links to contacts and its company. Activities linked to it lose the link first (one
 * transaction each; an activity linked to nothing else goes with it), so nothing is left pointing at the deal.
 */
export async function deleteDeal(context: TenantContext, dealId: string, preconditions?: Preconditions): Promise<void> {
  const first = await loadDeal(context, dealId);
  assertPreconditions(preconditions, first, "deal", dealId);
  assertCanDelete(context.actor, first, "deal");
  const { activity: formerActivityIds = [], file: formerFileIds = [] } = await detachFromHolders(context, {
    type: "deal",
    id: dealId,
  });
  await retryingConflicts(async () => {
    const current = await loadDeal(context, dealId);
    assertPreconditions(preconditions, current, "deal", dealId);
    const plans = dealLinkPlans(dealId, current, null);
    await changeSet()
      .add(
        "deal",
        inTransaction(DealEntity)
          .delete({ orgId: context.orgId, dealId })
          .where((attributes, { eq }) => eq(attributes.version, current.version))
          .commit(),
      )
      .addAll(plans.flatMap((plan) => linkPlanSteps(context.orgId, plan, now())))
      .addAll(steps("stage total", stageTotalActions(context.orgId, positionOf(current), null)))
      .addAll(
        steps(
          "search term",
          searchTermActions(
            context.orgId,
            { recordType: "deal", recordId: dealId },
            searchDocumentOfDeal(current),
            null,
          ),
        ),
      )
      .add(
        "move to trash",
        moveToTrashAction(
          context,
          {
            type: "deal",
            id: dealId,
            label: current.title,
            snapshot: { ...current, formerActivityIds, formerFileIds },
          },
          now(),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "deal",
          recordId: dealId,
          action: "deleted",
          changes: fieldChanges(current, null, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("deal", dealId));
  });
}

/** A record that deals link to. */
type DealLinkedRecord = { type: "contact" | "company"; id: string };

const dealLinkTargets = { contact: contactLinks, company: companyLinks } as const;

/**
 * Removes a contact or company that is being deleted from every deal linked to it: one transaction per deal (the
 * deal's change, both link directions, the count and the audit entry), so a retry continues where it stopped.
 */
export async function detachFromDeals(context: TenantContext, record: DealLinkedRecord) {
  const { orgId } = context;
  for (const { id: dealId } of await linkedRecords(orgId, record, "deal")) {
    await retryingConflicts(async () => {
      const { data: current } = await DealEntity.get({ orgId, dealId }).go({ consistent: true });
      if (!current) return;
      const next: DealItem = {
        ...current,
        contactIds: current.contactIds.filter((id) => id !== record.id),
        companyId: current.companyId === record.id ? undefined : current.companyId,
        version: current.version + 1,
        updatedAt: now(),
      };
      await changeSet()
        .add("deal", dealPatch(current, next))
        .addAll(
          steps("unlink", unlinkActions(orgId, { type: "deal", id: dealId }, dealLinkTargets[record.type], record.id)),
        )
        .add(
          "audit entry",
          auditAction(context, {
            recordType: "deal",
            recordId: dealId,
            action: "updated",
            changes: fieldChanges(current, next, ["contactIds", "companyId"]),
          }),
        )
        .commit(() => new ConcurrentModificationError("deal", dealId));
    });
  }
}

/**
 * Restores a deal from the trash with its id, fields and stage history, into the stage it was in (409
 * restore-conflict if that stage no longer exists), linked again to its contacts and company where they still exist.
 */
export async function restoreDeal(
  context: TenantContext,
  {
    formerActivityIds = [],
    formerFileIds = [],
    ...snapshot
  }: DealItem & {
    formerActivityIds?: string[];
    formerFileIds?: string[];
  },
): Promise<Deal> {
  const { orgId } = context;
  const restored = await retryingConflicts(async () => {
    let pipeline: PipelineItem;
    try {
      pipeline = await loadPipeline(orgId, snapshot.pipelineId);
      stageOf(pipeline, snapshot.stageId, "stageId");
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new RestoreConflictError(
        "The deal's pipeline or stage no longer exists; it cannot be restored where it was.",
      );
    }
    const [contacts, companies] = await Promise.all([
      snapshot.contactIds.length > 0
        ? ContactEntity.get(snapshot.contactIds.map((contactId) => ({ orgId, contactId }))).go({
            consistent: true,
            attributes: ["contactId"],
          })
        : { data: [] },
      snapshot.companyId
        ? CompanyEntity.get({ orgId, companyId: snapshot.companyId }).go({ consistent: true })
        : { data: null },
    ]);
    const at = now();
    const deal: DealItem = {
      ...snapshot,
      customFields: await valuesOfLiveFields(orgId, "deal", snapshot.customFields),
      contactIds: snapshot.contactIds.filter((id) => contacts.data.some((contact) => contact?.contactId === id)),
      companyId: companies.data ? snapshot.companyId : undefined,
      linkCount: 0,
      version: snapshot.version + 1,
      updatedAt: at,
    };
    await changeSet()
      .addAll(newDealSteps(orgId, deal, pipeline, [], at, { reportMissingLinks: false }))
      .add("take from trash", takeFromTrashAction(orgId, deal.dealId))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "deal",
          recordId: deal.dealId,
          action: "restored",
          changes: fieldChanges(null, deal, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("deal", deal.dealId));
    return toDeal(deal);
  });
  await relinkToHolders(
    context,
    { type: "deal", id: restored.id },
    { activity: formerActivityIds, file: formerFileIds },
  );
  return restored;
}

/**
 * Links a restored contact or company to the deals it had, where those deals still exist and have room, each as an
 * ordinary (audited) deal update. A deal that cannot take it back is left as it is.
 */
export async function relinkDeals(context: TenantContext, record: DealLinkedRecord, dealIds: string[]): Promise<void> {
  for (const dealId of dealIds) {
    try {
      const deal = await loadDeal(context, dealId);
      if (record.type === "contact" && !deal.contactIds.includes(record.id) && deal.contactIds.length < 20) {
        await updateDeal(context, dealId, { contactIds: [...deal.contactIds, record.id] });
      }
      if (record.type === "company" && !deal.companyId) await updateDeal(context, dealId, { companyId: record.id });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
}

/** How deals let go of a deleted contact or company and take it back on restore (registered by composition). */
export const dealLinkCascade: LinkCascade = {
  holds: ["contact", "company"],
  detach: async (context, record) => {
    const dealIds = (await linkedRecords(context.orgId, record, "deal")).map((deal) => deal.id);
    await detachFromDeals(context, record as DealLinkedRecord);
    return dealIds;
  },
  relink: (context, record, dealIds) => relinkDeals(context, record as DealLinkedRecord, dealIds),
  holders: async (context, record) => (await linkedRecords(context.orgId, record, "deal")).map((deal) => deal.id),
  move: async (context, from, to) => {
    for (const { id } of await linkedRecords(context.orgId, from, "deal")) {
      try {
        const deal = await loadDeal(context, id);
        if (from.type === "contact" && deal.contactIds.includes(from.id)) {
          await updateDeal(context, id, { contactIds: replacedId(deal.contactIds, from.id, to.id) });
        }
        if (from.type === "company" && deal.companyId === from.id) await updateDeal(context, id, { companyId: to.id });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
  },
};
