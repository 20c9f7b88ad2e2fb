import type { TimelineActivity } from "../../capabilities/audit/audit.schema";
import { auditAction, fieldChanges } from "../../capabilities/audit/audit.service";
import { AuditEntryEntity } from "../../capabilities/audit/audit-entry.entity";
import { assertCanDelete, assertCanWrite } from "../../capabilities/authorization/policy";
import { customFieldValuesAfterWrite, storedCustomFields } from "../../capabilities/custom-fields/custom-field.service";
import { type ChangeStep, changeSet, step, steps } from "../../platform/change-set";
import { now } from "../../platform/clock";
import { ConcurrentModificationError, ValidationError } from "../../platform/errors";
import { assertPreconditions, type Preconditions } from "../../platform/etag";
import { newId } from "../../platform/ids";
import { type Actor, newRecordOwner, type TenantContext } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { retryingConflicts } from "../../platform/transactions";
import type { LinkCascade } from "../association/link-cascades";
import { CompanyEntity } from "../company/company.entity";
import { ContactEntity } from "../contact/contact.entity";
import { DealEntity } from "../deal/deal.entity";
import { type Reference, referenceSteps, withCustomFieldMembers } from "../references";
import { ActivityEntity, noAssignee, noDueDate } from "./activity.entity";
import { type ActivityItem, loadActivity, toActivity } from "./activity.queries";
import type { Activity, CreateActivityInput, UpdateActivityInput } from "./activity.schema";
import { maxActivityLinks } from "./activity.schema";
import { linkTargets } from "./link-targets";

type LinkedRecord = { type: "contact" | "company" | "deal"; id: string };
type Links = Pick<ActivityItem, "contactIds" | "companyIds" | "dealIds">;

const auditedFields = [
  "subject",
  "body",
  "occurredAt",
  "durationMinutes",
  "dueAt",
  "assigneeId",
  "priority",
  "done",
  "contactIds",
  "companyIds",
  "dealIds",
  "customFields",
] as const;

/** A create that is not a sync's: none of its steps claims a provider's message or event. */
const noClaims = () => [];

/** The hidden key attributes of the task indexes, derived from the visible ones on every write. */
const derivedKeys = (activity: ActivityItem) => ({
  taskState: activity.type !== "task" ? ("none" as const) : activity.done ? ("done" as const) : ("open" as const),
  assigneeKey: activity.assigneeId ?? noAssignee,
  dueKey: activity.dueAt ?? noDueDate,
});

const linkedRecords = (links: Links): LinkedRecord[] => [
  ...links.contactIds.map((id) => ({ type: "contact" as const, id })),
  ...links.companyIds.map((id) => ({ type: "company" as const, id })),
  ...links.dealIds.map((id) => ({ type: "deal" as const, id })),
];

/** Where the activity sits on timelines: when it happened, or when a task was created. */
const timelineTime = (activity: ActivityItem) => activity.occurredAt ?? activity.createdAt;

function summaryOf(activity: ActivityItem): TimelineActivity {
  return {
    id: activity.activityId,
    type: activity.type,
    subject: activity.subject,
    occurredAt: activity.occurredAt ?? null,
    dueAt: activity.dueAt ?? null,
    assigneeId: activity.assigneeId ?? null,
    done: activity.done ?? null,
  };
}

function timelineEntryPut(context: TenantContext, activity: ActivityItem, record: LinkedRecord) {
  return inTransaction(AuditEntryEntity)
    .put({
      orgId: context.orgId,
      entryId: activity.activityId,
      recordType: record.type,
      recordId: record.id,
      action: "activity",
      actorId: context.actor.memberId,
      requestId: context.requestId,
      at: timelineTime(activity),
      changes: [],
      activity: summaryOf(activity),
    })
    .commit();
}

function timelineEntryDelete(activity: ActivityItem, record: LinkedRecord) {
  return inTransaction(AuditEntryEntity)
    .delete({
      orgId: activity.orgId,
      recordId: record.id,
      at: timelineTime(activity),
      entryId: activity.activityId,
    })
    .commit();
}

/**
 * Sets "last activity" on linked records; the patch's existence condition doubles as the check that the record
 * exists. A deal is also touched (it stops rotting), which moves it in its stage index, so the patch names its
 * stage and fails if the deal moved meanwhile (the caller retries on fresh data).
 */
function touchSteps(orgId: string, records: LinkedRecord[], dealStages: Map<string, string>, at: string): ChangeStep[] {
  const missing = (record: LinkedRecord) => () =>
    new ValidationError([
      {
        path: `body.${record.type}Ids`,
        message: `No ${record.type} with id ${record.id} exists in this organisation.`,
      },
    ]);
  return records.map((record) => {
    switch (record.type) {
      case "contact":
        return step(
          "touch contact",
          inTransaction(ContactEntity).patch({ orgId, contactId: record.id }).set({ lastActivityAt: at }).commit(),
          missing(record),
        );
      case "company":
        return step(
          "touch company",
          inTransaction(CompanyEntity).patch({ orgId, companyId: record.id }).set({ lastActivityAt: at }).commit(),
          missing(record),
        );
      case "deal":
        // A deal that moved meanwhile fails the patch: the caller retries on fresh data.
        return step(
          "touch deal",
          inTransaction(DealEntity)
            .patch({ orgId, dealId: record.id })
            .set({ lastActivityAt: at, touchedAt: at })
            .composite({ stageId: dealStages.get(record.id) ?? "" })
            .commit(),
        );
      default:
        return record.type satisfies never;
    }
  });
}

/** The current stage of each deal to touch, read first because the deal's stage index key includes it. */
async function stagesOf(orgId: string, dealIds: string[]): Promise<Map<string, string>> {
  const deals = await Promise.all(
    dealIds.map((dealId) =>
      DealEntity.get({ orgId, dealId }).go({ consistent: true, attributes: ["dealId", "stageId"] }),
    ),
  );
  const stages = new Map<string, string>();
  deals.forEach(({ data }, index) => {
    if (!data) {
      throw new ValidationError([
        { path: `body.dealIds.${index}`, message: "No deal with this id exists in this organisation." },
      ]);
    }
    stages.set(data.dealId, data.stageId);
  });
  return stages;
}

/**
 * The assignee must be a member of the organisation when it is set or changed; the caller is one already, and an
 * unchanged assignee is not checked again (a member removed since keeps their tasks until someone reassigns them).
 */
function assigneeReferences(actor: Actor, next: ActivityItem, current: ActivityItem | null): Reference[] {
  const { assigneeId } = next;
  if (!assigneeId || assigneeId === actor.memberId || assigneeId === current?.assigneeId) return [];
  return [{ kind: "member", memberId: assigneeId, path: "body.assigneeId" }];
}

function assertFieldsFitType(activity: ActivityItem) {
  const issues: { path: string; message: string }[] = [];
  const taskOnly = ["dueAt", "assigneeId", "priority", "done"] as const;
  if (activity.type === "task") {
    if (activity.occurredAt !== undefined)
      issues.push({ path: "body.occurredAt", message: "Tasks have dueAt instead." });
  } else {
    for (const field of taskOnly) {
      if (activity[field] !== undefined) issues.push({ path: `body.${field}`, message: "Only tasks have this field." });
    }
  }
  if (activity.durationMinutes !== undefined && activity.type !== "call" && activity.type !== "meeting") {
    issues.push({ path: "body.durationMinutes", message: "Only calls and meetings have a duration." });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * Creates an activity with its timeline entries. The steps `claimsOf` gives join its transaction: a sync's claim on
 * the provider's id, so that one email or meeting becomes one activity however often, or by whomever, it is synced.
 */
export async function createActivity(
  context: TenantContext,
  input: CreateActivityInput,
  claimsOf: (activityId: string) => readonly ChangeStep[] = noClaims,
): Promise<Activity> {
  assertCanWrite(context.actor);
  const { orgId, actor } = context;
  const activityId = newId("activity");
  const isTask = input.type === "task";
  return retryingConflicts(async () => {
    // A synced email or meeting is not refused for a required field: nobody could have given it a value.
    const custom = await customFieldValuesAfterWrite(
      orgId,
      "activity",
      input.customFields,
      undefined,
      claimsOf === noClaims ? "create" : "update",
    );
    const at = now();
    const activity: ActivityItem = {
      orgId,
      activityId,
      type: input.type,
      subject: input.subject,
      body: input.body,
      occurredAt: input.occurredAt ?? (isTask ? undefined : at),
      durationMinutes: input.durationMinutes,
      dueAt: input.dueAt,
      assigneeId: input.assigneeId ?? (isTask ? newRecordOwner(actor) : undefined),
      priority: input.priority ?? (isTask ? "normal" : undefined),
      done: input.done ?? (isTask ? false : undefined),
      doneAt: input.done ? at : undefined,
      contactIds: input.contactIds ?? [],
      companyIds: input.companyIds ?? [],
      dealIds: input.dealIds ?? [],
      customFields: storedCustomFields(custom?.values ?? {}),
      version: 1,
      createdBy: actor.memberId,
      createdAt: at,
      updatedAt: at,
    };
    if (isTask && input.occurredAt !== undefined) activity.occurredAt = input.occurredAt;
    assertFieldsFitType(activity);
    const records = linkedRecords(activity);
    const dealStages = await stagesOf(orgId, activity.dealIds);
    const references = withCustomFieldMembers(
      assigneeReferences(actor, activity, null),
      custom?.memberReferences ?? [],
    );
    await changeSet()
      .add(
        "activity",
        inTransaction(ActivityEntity)
          .create({ ...activity, ...derivedKeys(activity) })
          .commit(),
      )
      .addAll(referenceSteps(orgId, { type: "activity", id: activityId }, references))
      .addAll(touchSteps(orgId, records, dealStages, at))
      .addAll(
        steps(
          "timeline entry",
          records.map((record) => timelineEntryPut(context, activity, record)),
        ),
      )
      .addAll(claimsOf(activityId))
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "activity",
          recordId: activityId,
          action: "created",
          changes: fieldChanges(null, activity, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("activity", activityId));
    return toActivity(activity);
  });
}

const sameRecord = (a: LinkedRecord) => (b: LinkedRecord) => a.type === b.type && a.id === b.id;

export async function updateActivity(
  context: TenantContext,
  activityId: string,
  input: UpdateActivityInput,
  preconditions?: Preconditions,
): Promise<Activity> {
  assertCanWrite(context.actor);
  const { orgId } = context;
  return retryingConflicts(async () => {
    const current = await loadActivity(context, activityId);
    assertPreconditions(preconditions, current, "activity", activityId);
    const keep = <K extends keyof UpdateActivityInput & keyof ActivityItem>(key: K) =>
      (input[key] === undefined ? current[key] : (input[key] ?? undefined)) as ActivityItem[K];
    const at = now();
    const completing = input.done === true && !current.done;
    const custom = await customFieldValuesAfterWrite(
      orgId,
      "activity",
      input.customFields,
      current.customFields as Record<string, unknown> | undefined,
      "update",
    );
    const next: ActivityItem = {
      ...current,
      subject: keep("subject"),
      body: keep("body"),
      occurredAt: keep("occurredAt"),
      durationMinutes: keep("durationMinutes"),
      dueAt: keep("dueAt"),
      assigneeId: keep("assigneeId"),
      priority: keep("priority"),
      done: keep("done"),
      doneAt: completing ? at : input.done === false ? undefined : current.doneAt,
      contactIds: input.contactIds ?? current.contactIds,
      companyIds: input.companyIds ?? current.companyIds,
      dealIds: input.dealIds ?? current.dealIds,
      customFields: custom ? storedCustomFields(custom.values) : current.customFields,
      version: current.version + 1,
      updatedAt: at,
    };
    assertFieldsFitType(next);
    const before = linkedRecords(current);
    const after = linkedRecords(next);
    if (after.length === 0) {
      throw new ValidationError([{ path: "body", message: "An activity stays linked to at least one record." }]);
    }
    if (after.length > 20) throw new ValidationError([{ path: "body", message: "At most 20 linked records." }]);
    const added = after.filter((record) => !before.some(sameRecord(record)));
    const removed = before.filter((record) => !after.some(sameRecord(record)));
    const kept = after.filter((record) => before.some(sameRecord(record)));
    const moved = timelineTime(current) !== timelineTime(next);
    // Completing a task counts as activity on every linked record; otherwise only newly linked ones are touched.
    const touched = completing ? after : added;
    const dealStages = await stagesOf(
      orgId,
      touched.filter((record) => record.type === "deal").map((record) => record.id),
    );
    const references = withCustomFieldMembers(
      assigneeReferences(context.actor, next, current),
      custom?.memberReferences ?? [],
    );
    const optional = [
      "body",
      "occurredAt",
      "durationMinutes",
      "dueAt",
      "assigneeId",
      "priority",
      "done",
      "doneAt",
      "customFields",
    ] as const;
    await changeSet()
      .add(
        "activity",
        inTransaction(ActivityEntity)
          .patch({ orgId, activityId })
          .set({
            ...Object.fromEntries(optional.filter((field) => next[field] !== undefined).map((f) => [f, next[f]])),
            ...derivedKeys(next),
            subject: next.subject,
            contactIds: next.contactIds,
            companyIds: next.companyIds,
            dealIds: next.dealIds,
            version: next.version,
            updatedAt: next.updatedAt,
          })
          .remove(optional.filter((field) => next[field] === undefined))
          .where((attributes, { eq }) => eq(attributes.version, current.version))
          .commit(),
      )
      .addAll(referenceSteps(orgId, { type: "activity", id: activityId }, references))
      .addAll(touchSteps(orgId, touched, dealStages, at))
      .addAll(
        steps(
          "timeline entry",
          removed.map((record) => timelineEntryDelete(current, record)),
        ),
      )
      .addAll(steps("timeline entry", moved ? kept.map((record) => timelineEntryDelete(current, record)) : []))
      .addAll(
        steps(
          "timeline entry",
          [...kept, ...added].map((record) => timelineEntryPut(context, next, record)),
        ),
      )
      .add(
        "audit entry",
        auditAction(context, {
          recordType: "activity",
          recordId: activityId,
          action: "updated",
          changes: fieldChanges(current, next, auditedFields),
        }),
      )
      .commit(() => new ConcurrentModificationError("activity", activityId));
    return toActivity(next);
  });
}

export async function deleteActivity(
  context: TenantContext,
  activityId: string,
  preconditions?: Preconditions,
): Promise<void> {
  const current = await loadActivity(context, activityId);
  assertPreconditions(preconditions, current, "activity", activityId);
  assertCanDelete(context.actor, { ownerId: current.createdBy }, "activity");
  await changeSet()
    .add(
      "activity",
      inTransaction(ActivityEntity)
        .delete({ orgId: context.orgId, activityId })
        .where((attributes, { eq }) => eq(attributes.version, current.version))
        .commit(),
    )
    .addAll(
      steps(
        "timeline entry",
        linkedRecords(current).map((record) => timelineEntryDelete(current, record)),
      ),
    )
    .add(
      "audit entry",
      auditAction(context, {
        recordType: "activity",
        recordId: activityId,
        action: "deleted",
        changes: fieldChanges(current, null, auditedFields),
      }),
    )
    .commit(() => new ConcurrentModificationError("activity", activityId));
}

/** The activities linked to a record: its timeline's activity entries, whose ids are the activities'. */
async function activitiesOf(orgId: string, record: LinkedRecord): Promise<string[]> {
  const { data: entries } = await AuditEntryEntity.query
    .historyOfRecord({ orgId, recordId: record.id })
    .where((attributes, { eq }) => eq(attributes.action, "activity"))
    .go({ pages: "all", consistent: true });
  return entries.map((entry) => entry.entryId);
}

/**
 * Removes a record that is being deleted from every activity linked to it (its timeline lists them): each
 * activity loses the link and the entry; an activity left with no link is deleted. One transaction per activity,
 * so a retry after a failure continues where it stopped.
 */
export async function unlinkFromActivities(context: TenantContext, record: LinkedRecord): Promise<string[]> {
  const { orgId } = context;
  const kept: string[] = [];
  for (const activityId of await activitiesOf(orgId, record)) {
    await retryingConflicts(async () => {
      const { data: current } = await ActivityEntity.get({ orgId, activityId }).go({ consistent: true });
      if (!current) return;
      const field = `${record.type}Ids` as const;
      const next: ActivityItem = {
        ...current,
        [field]: current[field].filter((id) => id !== record.id),
        version: current.version + 1,
        updatedAt: now(),
      };
      const orphaned = linkedRecords(next).length === 0;
      await changeSet()
        .add(
          "activity",
          orphaned
            ? inTransaction(ActivityEntity)
                .delete({ orgId, activityId: current.activityId })
                .where((attributes, { eq }) => eq(attributes.version, current.version))
                .commit()
            : inTransaction(ActivityEntity)
                .patch({ orgId, activityId: current.activityId })
                .set({ [field]: next[field], version: next.version, updatedAt: next.updatedAt })
                .where((attributes, { eq }) => eq(attributes.version, current.version))
                .commit(),
        )
        .add("timeline entry delete", timelineEntryDelete(current, record))
        .add(
          "audit entry",
          auditAction(context, {
            recordType: "activity",
            recordId: current.activityId,
            action: orphaned ? "deleted" : "updated",
            changes: fieldChanges(current, orphaned ? null : next, auditedFields),
          }),
        )
        .commit(() => new ConcurrentModificationError("activity", current.activityId));
      if (!orphaned) kept.push(current.activityId);
    });
  }
  return kept;
}

/**
 * Links a restored record again to the activities it was unlinked from at deletion, where they still exist and have
 * room: each activity gets the link and the record's timeline gets the entry back, one transaction per activity.
 * The record's `lastActivityAt` is left as it was restored.
 */
export async function relinkActivities(context: TenantContext, record: LinkedRecord, activityIds: string[]) {
  const { orgId } = context;
  const field = `${record.type}Ids` as const;
  for (const activityId of activityIds) {
    await retryingConflicts(async () => {
      const { data: current } = await ActivityEntity.get({ orgId, activityId }).go({ consistent: true });
      if (!current || current[field].includes(record.id) || linkedRecords(current).length >= maxActivityLinks) return;
      const next: ActivityItem = {
        ...current,
        [field]: [...current[field], record.id],
        version: current.version + 1,
        updatedAt: now(),
      };
      await changeSet()
        .add(
          "activity",
          inTransaction(ActivityEntity)
            .patch({ orgId, activityId })
            .set({ [field]: next[field], version: next.version, updatedAt: next.updatedAt })
            .where((attributes, { eq }) => eq(attributes.version, current.version))
            .commit(),
        )
        .add(`${record.type} exists`, linkTargets[record.type].existenceCheck(orgId, record.id))
        .add("timeline entry put", timelineEntryPut(context, next, record))
        .add(
          "audit entry",
          auditAction(context, {
            recordType: "activity",
            recordId: activityId,
            action: "updated",
            changes: fieldChanges(current, next, auditedFields),
          }),
        )
        .commit(() => new ConcurrentModificationError("activity", activityId));
    });
  }
}

/** How activities let go of a deleted record and take it back on restore (registered by the composition module). */
export const activityLinkCascade: LinkCascade = {
  holds: ["contact", "company", "deal"],
  detach: unlinkFromActivities,
  relink: relinkActivities,
  holders: (context, record) => activitiesOf(context.orgId, record as LinkedRecord),
  move: async (context, from, to) => {
    await relinkActivities(context, to as LinkedRecord, await activitiesOf(context.orgId, from as LinkedRecord));
    await unlinkFromActivities(context, from as LinkedRecord);
  },
};
