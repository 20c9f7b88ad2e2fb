import type { EntityItem } from "electrodb";
import { now } from "../../platform/clock";
import { queryFingerprint } from "../../platform/cursor";
import { NotFoundError } from "../../platform/errors";
import { isIdOf } from "../../platform/ids";
import { readPage } from "../../platform/paging";
import type { TenantContext } from "../../platform/request-context";
import type { Page } from "../../platform/schema";
import { ActivityEntity } from "./activity.entity";
import type { Activity, ListOverdueTasksQuery, ListTasksQuery } from "./activity.schema";

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

/** Open tasks of one assignee (default: the caller), soonest due first, undated last; one query per page. */
export async function listOpenTasks(context: TenantContext, query: ListTasksQuery): Promise<Page<Activity>> {
  const { orgId } = context;
  const assigneeKey = query.assigneeId ?? context.actor.memberId;
  return readPage(
    ({ limit, cursor }) =>
      ActivityEntity.query
        .openTasksOfAssignee({ orgId, assigneeKey, taskState: "open" })
        .go({ limit, cursor, order: "asc" }),
    {
      limit: query.limit,
      cursor: query.cursor,
      fingerprint: queryFingerprint({ list: "open-tasks", orgId, assigneeKey }),
      filtered: false,
      map: toActivity,
    },
  );
}

/** The organisation's open tasks that are past due, most overdue first; one query per page. */
export async function listOverdueTasks(context: TenantContext, query: ListOverdueTasksQuery): Promise<Page<Activity>> {
  const { orgId } = context;
  const until = now();
  return readPage(
    ({ limit, cursor }) =>
      ActivityEntity.query
        .openTasksByDueTime({ orgId, taskState: "open" })
        .between({ dueKey: "0" }, { dueKey: until })
        .go({ limit, cursor, order: "asc" }),
    {
      limit: query.limit,
      cursor: query.cursor,
      fingerprint: queryFingerprint({ list: "overdue-tasks", orgId }),
      filtered: false,
      map: toActivity,
    },
  );
}
