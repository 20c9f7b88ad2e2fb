import { timelineItemSchema, timelineQuery } from "../../capabilities/audit/audit.schema";
import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { activityRoutes } from "./activity.routes";
import {
  activitySchema,
  createActivityInput,
  listActivitiesQuery,
  listOverdueTasksQuery,
  listTasksQuery,
  updateActivityInput,
} from "./activity.schema";

/** What the routes of activity.routes.ts accept and answer. */
export const activityContracts = {
  "activities.create": {
    summary: "Log an activity or create a task",
    description:
      "A note, task, call, meeting or email linked to up to 20 contacts, companies and deals. It appears on each linked record's timeline and sets their `lastActivityAt` (deals: also stops them rotting).",
    tag: "Activities",
    body: createActivityInput,
    response: { status: 201, description: "The new activity.", schema: activitySchema, location: true, etag: true },
  },
  "activities.list": {
    summary: "List activities",
    description:
      "Every note, task, call, meeting and email of the organisation in creation order (newest first by default), narrowed by `filter` over the activity's fields: one Query of the organisation's activity index, the filter applied to what it reads within the page's read budget.",
    tag: "Activities",
    query: listActivitiesQuery,
    response: { status: 200, description: "A page of activities.", schema: page(activitySchema) },
  },
  "activities.get": {
    summary: "Get an activity",
    tag: "Activities",
    response: { status: 200, description: "The activity.", schema: activitySchema, etag: true },
  },
  "activities.update": {
    summary: "Update an activity or complete a task",
    description:
      "Partial update; `null` clears a field; link lists replace. Completing a task (`done: true`) counts as activity on its linked records.",
    tag: "Activities",
    body: updateActivityInput,
    conditional: true,
    response: { status: 200, description: "The updated activity.", schema: activitySchema, etag: true },
    errors: [409],
  },
  "activities.delete": {
    summary: "Delete an activity",
    description: "Members may delete only activities they created; managers and admins any.",
    tag: "Activities",
    conditional: true,
    response: { status: 204, description: "The activity was deleted." },
    errors: [409],
  },
  "tasks.listOpen": {
    summary: "List open tasks of an assignee",
    description: "The caller's open tasks unless `assigneeId` names someone else; soonest due first, undated last.",
    tag: "Activities",
    query: listTasksQuery,
    response: { status: 200, description: "A page of tasks.", schema: page(activitySchema) },
  },
  "tasks.listOverdue": {
    summary: "List overdue tasks",
    description: "The organisation's open tasks whose due time has passed, most overdue first.",
    tag: "Activities",
    query: listOverdueTasksQuery,
    response: { status: 200, description: "A page of tasks.", schema: page(activitySchema) },
  },
  "contacts.timeline": {
    summary: "A contact's timeline",
    description: "Its activities and changes (creation, field changes), newest first. Cursor-paginated.",
    tag: "Contacts",
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },
  "companies.timeline": {
    summary: "A company's timeline",
    description: "Its activities and changes (creation, field changes), newest first. Cursor-paginated.",
    tag: "Companies",
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },
  "deals.timeline": {
    summary: "A deal's timeline",
    description: "Its activities and changes (creation, field changes, stage moves), newest first. Cursor-paginated.",
    tag: "Deals",
    query: timelineQuery,
    response: { status: 200, description: "A page of the timeline.", schema: page(timelineItemSchema) },
  },
} as const satisfies ContractsOf<typeof activityRoutes>;
