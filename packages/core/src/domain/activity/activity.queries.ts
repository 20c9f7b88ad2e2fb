import type { EntityItem } from "electrodb";
import { filterFieldsWithCustomFields } from "../../capabilities/custom-fields/custom-field.filters";
import { filterOf, listWhere } from "../../capabilities/filter/filter";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { ActivityEntity } from "./activity.entity";
import { activityFilterFields } from "./activity.filter-fields";
import type { Activity, ListActivitiesQuery, ListOverdueTasksQuery, ListTasksQuery } from "./activity.schema";

export type ActivityItem = EntityItem<typeof ActivityEntity>;

export function toActivity(item: ActivityItem): Activity {
  return {
    id: item.activityId,
    type: item.type,
    subject: item.subject,
    body: item.body ?? null,
    occurredAt: item.occurredAt ?? null,
    durationMinutes: item.durationMinutes ?? null,
    dueAt: item.dueAt ?? null,
    assigneeId: item.assigneeId ?? null,
    priority: item.priority ?? null,
    done: item.done ?? null,
    doneAt: item.doneAt ?? null,
    contactIds: item.contactIds,
    companyIds: item.companyIds,
    dealIds: item.dealIds,
    customFields: (item.customFields as Record<string, unknown> | undefined) ?? {},
    createdBy: item.createdBy,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** An activity's item, read with strong consistency, or NotFoundError. */
export async function loadActivity(context: TenantContext, activityId: string): Promise<ActivityItem> {
  if (!isIdOf("activity", activityId)) throw new NotFoundError("activity", activityId);
  const { data } = await ActivityEntity.get({ orgId: context.orgId, activityId }).go({ consistent: true });
  if (!data) throw new NotFoundError("activity", activityId);
  return data;
}

export async function getActivity(context: TenantContext, activityId: string): Promise<Activity> {
  return toActivity(await loadActivity(context, activityId));
}

/** The activity fields a filter may name, with the organisation's activity custom fields when it names one. */
const activityFilterFieldsFor = (orgId: string, filter: string | undefined) =>
  filterFieldsWithCustomFields(orgId, "activity", activityFilterFields, filter);

// A list's cursor belongs to its filter; one without a filter keeps the fingerprint it had before filters.
const filterPart = (query: { filter?: string | undefined }) =>
  query.filter === undefined ? {} : { filter: query.filter };

/**
 * The organisation's activities in creation order: its partition of the activity creation index, which `filter`
 * narrows as a FilterExpression (a page costs at most the read budget).
 */
export async function listActivities(context: TenantContext, query: ListActivitiesQuery): Promise<Page<Activity>> {
  const { orgId } = context;
  const where = listWhere(filterOf(await activityFilterFieldsFor(orgId, query.filter), query.filter));
  const base = ActivityEntity.query.activitiesByCreation({ orgId });
  const activities = where ? base.where(where) : base;
  const order = query.sort.startsWith("-") ? "desc" : "asc";
  return readPage(({ limit, cursor }) => activities.go({ limit, cursor, order }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "activities", orgId, sort: query.sort, ...filterPart(query) }),
    filtered: where !== undefined,
    map: toActivity,
  });
}

/**
 * Open tasks of one assignee (default: the caller), soonest due first, undated last: one partition of the sparse
 * assignee index, which `filter` narrows as a FilterExpression (a page costs at most the read budget).
 */
export async function listOpenTasks(context: TenantContext, query: ListTasksQuery): Promise<Page<Activity>> {
  const { orgId } = context;
  const assigneeKey = query.assigneeId ?? context.actor.memberId;
  const filter = filterOf(await activityFilterFieldsFor(orgId, query.filter), query.filter);
  const where = listWhere(filter);
  const base = ActivityEntity.query.openTasksOfAssignee({ orgId, assigneeKey, taskState: "open" });
  const tasks = where ? base.where(where) : base;
  return readPage(({ limit, cursor }) => tasks.go({ limit, cursor, order: "asc" }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "open-tasks", orgId, assigneeKey, ...filterPart(query) }),
    filtered: where !== undefined,
    map: toActivity,
  });
}

/**
 * The organisation's open tasks that are past due, most overdue first: a range of the sparse due-time index, or of
 * one assignee's partition when every group of `filter` requires that assignee; the rest of `filter` is a
 * FilterExpression on it.
 */
export async function listOverdueTasks(context: TenantContext, query: ListOverdueTasksQuery): Promise<Page<Activity>> {
  const { orgId } = context;
  const until = now();
  const filter = filterOf(await activityFilterFieldsFor(orgId, query.filter), query.filter);
  const assigneeKey = filter?.required("assigneeId");
  const where = listWhere(filter);
  const base = assigneeKey
    ? ActivityEntity.query
        .openTasksOfAssignee({ orgId, assigneeKey, taskState: "open" })
        .between({ dueKey: "0" }, { dueKey: until })
    : ActivityEntity.query.openTasksByDueTime({ orgId, taskState: "open" }).between({ dueKey: "0" }, { dueKey: until });
  const tasks = where ? base.where(where) : base;
  return readPage(({ limit, cursor }) => tasks.go({ limit, cursor, order: "asc" }), {
    limit: query.limit,
    cursor: query.cursor,
    fingerprint: queryFingerprint({ list: "overdue-tasks", orgId, ...filterPart(query) }),
    filtered: where !== undefined,
    map: toActivity,
  });
}
