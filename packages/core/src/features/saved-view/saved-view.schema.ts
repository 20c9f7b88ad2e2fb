import { z } from "zod";
import { filterSchema } from "../../capabilities/filter/filter";
import { savedViewIdParam } from "../../platform/path-parameters";
import { pageCursor, pageLimit, recordId, text, timestamp } from "../../platform/schema";

/** The lists a view can be of: those the filter grammar serves. */
export const savedViewRecordTypes = ["contact", "company", "deal"] as const;
export type SavedViewRecordType = (typeof savedViewRecordTypes)[number];

/** Private views per member, and shared ones per organisation: enough for any team, bounded per list read. */
export const maxSavedViewsPerMember = 100;

const visibility = z.enum(["private", "organisation"]).meta({
  description: "`private`: only its owner sees it; `organisation`: every member (managers and admins share).",
});
const columns = z
  .array(z.string().regex(/^[a-z][A-Za-z0-9]{0,49}(\.[a-z][A-Za-z0-9]{0,49})?$/, "Must be a field name."))
  .max(50)
  .transform((names) => [...new Set(names)])
  .meta({
    description: "The fields a client shows, in order: the record's fields, or `customFields.<key>`.",
    example: ["firstName", "lastName", "emails", "customFields.renewalDate"],
  });
const viewFilter = filterSchema.meta({
  description: "A filter of the record type's list (the grammar of `?filter=`; see the list's `filter` parameter).",
  example: { and: [{ field: "tags", op: "contains", value: "vip" }] },
});

export const createSavedViewInput = z
  .strictObject({
    name: text(100).meta({ example: "VIP contacts" }),
    recordType: z.enum(savedViewRecordTypes),
    filter: viewFilter.optional(),
    sort: z.string().max(50).optional().meta({ description: "One of the list's sort orders.", example: "-createdAt" }),
    columns: columns.optional(),
    visibility: visibility.default("private"),
  })
  .meta({ id: "CreateSavedViewInput" });
export type CreateSavedViewInput = z.infer<typeof createSavedViewInput>;

export const updateSavedViewInput = z
  .strictObject({
    name: text(100).optional(),
    filter: viewFilter.nullable().optional(),
    sort: z.string().max(50).nullable().optional(),
    columns: columns.optional(),
    visibility: visibility.optional(),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateSavedViewInput" });
export type UpdateSavedViewInput = z.infer<typeof updateSavedViewInput>;

export const listSavedViewsQuery = z.strictObject({
  limit: pageLimit,
  cursor: pageCursor.optional(),
  recordType: z.enum(savedViewRecordTypes).optional().meta({ description: "Only views of this record type." }),
});
export type ListSavedViewsQuery = z.infer<typeof listSavedViewsQuery>;

export const savedViewSchema = z
  .object({
    id: savedViewIdParam,
    name: z.string().meta({ example: "VIP contacts" }),
    recordType: z.enum(savedViewRecordTypes),
    filter: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ example: { and: [{ field: "tags", op: "contains", value: "vip" }] } }),
    sort: z.string().nullable().meta({ example: "-createdAt" }),
    columns: z.array(z.string()).meta({ example: ["firstName", "lastName", "emails"] }),
    visibility: z.enum(["private", "organisation"]),
    ownerId: recordId("member"),
    query: z.record(z.string(), z.string()).meta({
      description: "The view as the list's query parameters (`filter` as JSON, `sort`): what to send to apply it.",
      example: { filter: '{"and":[{"field":"tags","op":"contains","value":"vip"}]}', sort: "-createdAt" },
    }),
    version: z.number().int().min(1),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "SavedView" });
export type SavedView = z.infer<typeof savedViewSchema>;
