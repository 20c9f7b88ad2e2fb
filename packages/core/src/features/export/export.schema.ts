import { z } from "zod";
import { exportIdParam } from "../../platform/path-parameters";
import { timestamp } from "../../platform/schema";
import { exportRecordTypes, exportStatuses } from "./export.entity";
import { exportFormats } from "./export-format";

export const createExportInput = z
  .strictObject({
    recordType: z.enum(exportRecordTypes),
    format: z.enum(exportFormats).default("csv"),
    filters: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: 'The list endpoint\'s filters and sort, e.g. `{ "tag": "vip", "sort": "lastName" }`.' }),
  })
  .meta({ id: "CreateExportInput" });
export type CreateExportInput = z.infer<typeof createExportInput>;

export const exportSchema = z
  .object({
    id: exportIdParam,
    recordType: z.enum(exportRecordTypes),
    format: z.enum(exportFormats),
    filters: z.record(z.string(), z.string()),
    status: z.enum(exportStatuses),
    rows: z.number().int().optional(),
    bytes: z.number().int().optional(),
    failure: z.string().optional(),
    download: z.object({ url: z.url(), expiresAt: timestamp }).optional().meta({
      description: "Once completed: a presigned GET of the file (5 minutes; read the export again for a new one).",
    }),
    createdAt: timestamp,
    completedAt: timestamp.optional(),
  })
  .meta({ id: "Export" });
export type ExportView = z.infer<typeof exportSchema>;
