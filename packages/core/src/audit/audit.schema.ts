import { z } from "zod";
import { pageCursor, pageLimit, timestamp } from "../platform/schema";
import { auditActions, auditedRecordTypes } from "./audit-entry.entity";

export const fieldChangeSchema = z
  .object({ field: z.string(), before: z.unknown(), after: z.unknown() })
  .meta({ id: "FieldChange", description: "`before` is null on creation, `after` is null on deletion." });
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const auditEntrySchema = z
  .object({
    id: z.string(),
    recordType: z.enum(auditedRecordTypes),
    recordId: z.string(),
    action: z.enum(auditActions),
    actorId: z.string().meta({ description: "The member who made the change." }),
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
    .regex(/^(con|com|mem|dea|pip)_[0-9a-z]{1,64}$/, "Must be a contact, company, member, deal or pipeline id.")
    .optional()
    .meta({ description: "Only the history of this record." }),
});
export type ListAuditQuery = z.infer<typeof listAuditQuery>;
