import { customFieldValuesAttribute } from "../../platform/record-attributes";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { activityTypes, taskPriorities } from "./activity.constants";

const byCreation = globalIndex("gsi1");
const byAssignee = globalIndex("gsi3");
const byDueDate = globalIndex("gsi5");

/** Key sentinels: activities that are not open tasks carry them, and the task indexes skip them. */
export const taskStates = ["open", "done", "none"] as const;
export const noAssignee = "none";
export const noDueDate = "9999-12-31T23:59:59.999Z";

/**
 * A note, task, call, meeting or email, linked to one or more contacts, companies and deals. Its summary is copied
 * into the timeline of every linked record in the same transaction that writes it.
 */
export const ActivityEntity = tableEntity({
  model: { service: "crm", entity: "activity", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    activityId: { type: "string", required: true, readOnly: true },
    type: { type: activityTypes, required: true, readOnly: true },
    subject: { type: "string", required: true },
    body: { type: "string" },
    /** When a call, meeting, email or note happened (tasks have `dueAt` instead). */
    occurredAt: { type: "string" },
    durationMinutes: { type: "number" },
    dueAt: { type: "string" },
    assigneeId: { type: "string" },
    priority: { type: taskPriorities },
    done: { type: "boolean" },
    doneAt: { type: "string" },
    contactIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    companyIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    dealIds: { type: "list", items: { type: "string" }, required: true, default: () => [] },
    /** Derived on every write: `open` only for tasks not done, so the task indexes hold open tasks alone. */
    taskState: { type: taskStates, required: true, hidden: true },
    assigneeKey: { type: "string", required: true, hidden: true },
    dueKey: { type: "string", required: true, hidden: true },
    version: { type: "number", required: true, default: 1 },
    ...customFieldValuesAttribute,
    createdBy: { type: "string", required: true, readOnly: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
  },
  indexes: {
    activity: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "activityId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    /**
     * Every activity of the organisation, in creation order: what walks them all without a scan (the cleanup of a
     * deleted custom field). Activities written before this index existed are not in it until they change.
     */
    activitiesByCreation: {
      index: byCreation.index,
      pk: { field: byCreation.pk, composite: ["orgId"] },
      sk: { field: byCreation.sk, composite: ["activityId"] },
    },
    /** "My open tasks, soonest due first": sparse, the state is in the key so completing a task drops it. */
    openTasksOfAssignee: {
      index: byAssignee.index,
      condition: (attributes) => attributes.taskState === "open",
      pk: { field: byAssignee.pk, composite: ["orgId", "assigneeKey"] },
      sk: { field: byAssignee.sk, composite: ["taskState", "dueKey", "activityId"] },
    },
    /** The organisation's open tasks by due time: overdue ones are a range query up to now. */
    openTasksByDueTime: {
      index: byDueDate.index,
      condition: (attributes) => attributes.taskState === "open",
      pk: { field: byDueDate.pk, composite: ["orgId", "taskState"] },
      sk: { field: byDueDate.sk, composite: ["dueKey", "activityId"] },
    },
  },
});
