import { z } from "zod";
import { money } from "../../domain/deal/deal.schema";
import { actorId, recordId, timestamp } from "../../platform/schema";
import { importRecordTypes } from "./column-mapping";
import { duplicateHandlings, importStatuses } from "./import.constants";

const mapping = z.record(z.string().min(1), z.string().nullable()).meta({
  description:
    'Which field each CSV column goes into (`null` ignores it), e.g. `{ "E-mail": "emails", "Tier": "customFields.tier" }`: a built-in field or `customFields.<key>` of an unarchived custom field of the record type (numbers in either decimal style, currency amounts with an optional code, yes/no, select options by id or label); a required custom field must be mapped.',
});

/** What starting an import takes; the mapping is checked against the file's header by the service. */
export const startImportInput = z
  .strictObject({
    fileId: recordId("file").meta({ description: "An available CSV (or plain text) file of the organisation." }),
    recordType: z.enum(importRecordTypes),
    mapping: mapping
      .optional()
      .meta({ description: "Defaults to the mapping suggested from the file's header; columns left out are ignored." }),
    onDuplicate: z.enum(duplicateHandlings).default("skip").meta({
      description:
        "What a row does whose email (contacts) or domain (companies) an existing record, or an earlier row, already has.",
    }),
    dryRun: z
      .boolean()
      .default(false)
      .meta({ description: "Count what would be created, updated, skipped and fail, and write no records." }),
    defaultCurrency: money.shape.currency
      .optional()
      .meta({ description: "The currency of deal amounts in rows without a currency column or cell." }),
  })
  .meta({ id: "StartImportInput" });
export type StartImportInput = z.output<typeof startImportInput>;

const counts = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ description: "The rows done so far and what became of them (for a dry run: what would)." });

export const importSchema = z
  .object({
    id: recordId("import"),
    fileId: recordId("file"),
    recordType: z.enum(importRecordTypes),
    status: z.enum(importStatuses),
    mapping,
    onDuplicate: z.enum(duplicateHandlings),
    dryRun: z.boolean(),
    defaultCurrency: z.string().optional(),
    counts,
    failure: z
      .object({ reason: z.string(), message: z.string(), line: z.number().int().optional() })
      .optional()
      .meta({ description: "Why the file as a whole could not be imported (set when `failed`)." }),
    errorReport: z.object({ url: z.url(), expiresAt: timestamp }).optional().meta({
      description:
        "Once the import has ended with failed rows: a presigned GET of them as CSV (5 minutes; read the import again for a new one). Each row as the file had it, with `Line` first and `Errors` last, ready to fix and import again.",
    }),
    createdBy: actorId,
    createdAt: timestamp,
    updatedAt: timestamp,
    startedAt: timestamp.optional(),
    completedAt: timestamp.optional(),
  })
  .meta({ id: "Import" });
export type ImportView = z.infer<typeof importSchema>;

export const importRowErrorSchema = z
  .object({
    line: z.number().int().meta({ description: "The line the row starts on, as an editor counts (the header is 1)." }),
    column: z.string().nullable().meta({ description: "The CSV column the value came from; null for the row." }),
    path: z.string().meta({ description: "The field as the API reports it for the same body, e.g. `body.emails.0`." }),
    message: z.string(),
  })
  .meta({ id: "ImportRowError" });

export const importRowErrorsSchema = z.object({
  data: z.array(importRowErrorSchema),
  truncated: z.boolean().meta({ description: "More rows failed than the report keeps (the first 1,000)." }),
});
