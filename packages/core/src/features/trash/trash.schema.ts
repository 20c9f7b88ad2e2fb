import { z } from "zod";
import { trashableTypes } from "../../capabilities/trash/trash.constants";
import { pageCursor, pageLimit, timestamp } from "../../platform/schema";

export const listTrashQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  type: z.enum(trashableTypes).optional().meta({ description: "Only deleted records of this type." }),
});
export type ListTrashQuery = z.infer<typeof listTrashQuery>;

export const trashedRecordSchema = z
  .object({
    type: z.enum(trashableTypes),
    id: z.string(),
    label: z.string(),
    deletedAt: timestamp,
    deletedBy: z.string(),
    restorableUntil: timestamp,
  })
  .meta({ id: "TrashedRecord" });
export type TrashedRecord = z.infer<typeof trashedRecordSchema>;

export const restoredRecordSchema = z
  .object({ type: z.enum(trashableTypes), record: z.record(z.string(), z.unknown()) })
  .meta({
    id: "RestoredRecord",
    description: "The restored contact, company, deal or file, as its own GET returns it.",
  });
