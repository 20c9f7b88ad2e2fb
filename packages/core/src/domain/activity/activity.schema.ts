import { z } from "zod";
import { customFieldValues, customFieldValuesInput } from "../../capabilities/custom-fields/custom-field.schema";
import { filterParameterOf } from "../../capabilities/filter/filter";
import { activityIdParam } from "../../platform/path-parameters";
import { actorId, pageCursor, pageLimit, recordId, text, timestamp } from "../../platform/schema";
import { activityTypes, taskPriorities } from "./activity.constants";
import { activityFilterFields } from "./activity.filter-fields";

/** Records an activity may be linked to; at most this many in total. */
export const maxActivityLinks = 20;

const uniqueIds = (kind: "contact" | "company" | "deal") =>
  z
    .array(recordId(kind))
    .max(maxActivityLinks)
    .transform((ids) => [...new Set(ids)]);

const links = {
  contactIds: uniqueIds("contact").optional(),
  companyIds: uniqueIds("company").optional(),
  dealIds: uniqueIds("deal").optional(),
};

const linkCount = (input: { contactIds?: string[]; companyIds?: string[]; dealIds?: string[] }) =>
  (input.contactIds?.length ?? 0) + (input.companyIds?.length ?? 0) + (input.dealIds?.length ?? 0);

const fields = {
  subject: text(200),
  body: z.string().max(20_000).meta({ description: "Free text (plain text or Markdown)." }),
  occurredAt: timestamp.meta({ description: "When it happened; calls, meetings, emails and notes (default now)." }),
  durationMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .meta({ description: "Calls and meetings." }),
  dueAt: timestamp.meta({ description: "Tasks: when the task is due." }),
  assigneeId: recordId("member").meta({ description: "Tasks: who does it (default the creator)." }),
  priority: z.enum(taskPriorities).meta({ description: "Tasks (default normal)." }),
  done: z.boolean().meta({ description: "Tasks: completed." }),
};

export const createActivityInput = z
  .strictObject({
    type: z.enum(activityTypes),
    subject: fields.subject,
    body: fields.body.optional(),
    occurredAt: fields.occurredAt.optional(),
    durationMinutes: fields.durationMinutes.optional(),
    dueAt: fields.dueAt.optional(),
    assigneeId: fields.assigneeId.optional(),
    priority: fields.priority.optional(),
    done: fields.done.optional(),
    ...links,
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => linkCount(input) >= 1, {
    message: "Link the activity to at least one contact, company or deal.",
  })
  .refine((input) => linkCount(input) <= maxActivityLinks, {
    message: `An activity links to at most ${maxActivityLinks} records.`,
  })
  .meta({ id: "CreateActivityInput" });
export type CreateActivityInput = z.infer<typeof createActivityInput>;

export const updateActivityInput = z
  .strictObject({
    subject: fields.subject.optional(),
    body: fields.body.nullable().optional(),
    occurredAt: fields.occurredAt.optional(),
    durationMinutes: fields.durationMinutes.nullable().optional(),
    dueAt: fields.dueAt.nullable().optional(),
    assigneeId: fields.assigneeId.optional(),
    priority: fields.priority.optional(),
    done: fields.done.optional(),
    ...links,
    customFields: customFieldValuesInput.optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({
    id: "UpdateActivityInput",
    description: "Fields to change; `null` clears a field; link lists replace the stored ones. The type is fixed.",
  });
export type UpdateActivityInput = z.infer<typeof updateActivityInput>;

export const activitySchema = z
  .object({
    id: activityIdParam,
    type: z.enum(activityTypes),
    subject: z.string(),
    body: z.string().nullable(),
    occurredAt: timestamp.nullable(),
    durationMinutes: z.number().int().nullable(),
    dueAt: timestamp.nullable(),
    assigneeId: recordId("member").nullable(),
    priority: z.enum(taskPriorities).nullable(),
    done: z.boolean().nullable(),
    doneAt: timestamp.nullable(),
    contactIds: z.array(recordId("contact")),
    companyIds: z.array(recordId("company")),
    dealIds: z.array(recordId("deal")),
    customFields: customFieldValues,
    createdBy: actorId,
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Activity" });
export type Activity = z.infer<typeof activitySchema>;

const taskFilter = filterParameterOf(activityFilterFields, {
  and: [
    { field: "priority", op: "eq", value: "high" },
    { field: "dueAt", op: "lt", value: "2026-07-01T00:00:00.000Z" },
  ],
});

const activityFilter = filterParameterOf(activityFilterFields, {
  and: [
    { field: "type", op: "in", value: ["call", "meeting"] },
    { field: "occurredAt", op: "gte", value: "2026-11-01T00:00:00.000Z" },
  ],
});

export const activitySortOrders = ["createdAt", "-createdAt"] as const;

export const listActivitiesQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  filter: activityFilter.optional(),
  sort: z
    .enum(activitySortOrders)
    .default("-createdAt")
    .meta({ description: "Creation order; a leading `-` sorts descending. Default `-createdAt` (newest first)." }),
});
export type ListActivitiesQuery = z.infer<typeof listActivitiesQuery>;

export const listTasksQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  assigneeId: recordId("member").optional().meta({ description: "Whose open tasks (default: the caller's)." }),
  filter: taskFilter.optional(),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const listOverdueTasksQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  filter: taskFilter.optional(),
});
export type ListOverdueTasksQuery = z.infer<typeof listOverdueTasksQuery>;
