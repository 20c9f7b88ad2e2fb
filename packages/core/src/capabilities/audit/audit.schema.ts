import { z } from "zod";
import { pageCursor, pageLimit, timestamp } from "../../platform/schema";
import { auditedRecordTypes, changeActions } from "./audit.constants";

export const fieldChangeSchema = z
  .object({ field: z.string(), before: z.unknown(), after: z.unknown() })
  .meta({ id: "FieldChange", description: "`before` is null on creation, `after` is null on deletion." });
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const auditEntrySchema = z
  .object({
    id: z.string(),
    recordType: z.enum(auditedRecordTypes),
    recordId: z.string(),
    action: z.enum(changeActions),
    actorId: z
      .string()
      .meta({ description: "The member who made the change, or the API key (`key_…`) it was made with." }),
    requestId: z.string(),
    at: timestamp,
    changes: z.array(fieldChangeSchema),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const listAuditQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  recordId: z
    .string()
    .regex(
      /^(con|com|mem|dea|pip|act|int|inv|pay|key|fld)_[0-9a-z]{1,64}$/,
      "Must be the id of an audited record: a contact, company, member, deal, pipeline, activity, integration, invoice, payment, API key or custom field.",
    )
    .optional()
    .meta({ description: "Only the history of this record.", example: "con_01jd8x4k2q7v3m9t5r1w6y8z0a" }),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;

export const timelineQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  kind: z
    .enum(["activity", "change"])
    .optional()
    .meta({ description: "Only activities, or only changes (creation, field changes, stage moves)." }),
});
export type TimelineQuery = z.infer<typeof timelineQuery>;

export const timelineActivitySchema = z
  .object({
    id: z.string(),
    type: z.enum(["note", "task", "call", "meeting", "email"]),
    subject: z.string(),
    occurredAt: timestamp.nullable(),
    dueAt: timestamp.nullable(),
    assigneeId: z.string().nullable(),
    done: z.boolean().nullable(),
  })
  .meta({ id: "TimelineActivity", description: "A summary; get the activity for its body." });
export type TimelineActivity = z.infer<typeof timelineActivitySchema>;

export const timelineItemSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("activity"), at: timestamp, actorId: z.string(), activity: timelineActivitySchema }),
    z.object({ kind: z.literal("change"), at: timestamp, actorId: z.string(), change: auditEntrySchema }),
  ])
  .meta({ id: "TimelineItem" });
export type TimelineItem = z.infer<typeof timelineItemSchema>;
