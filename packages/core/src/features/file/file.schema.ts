import { z } from "zod";
import { defaultMaxFileBytes, supportedFileTypes } from "../../declarations/files";
import { fileIdParam } from "../../platform/path-parameters";
import { text, timestamp } from "../../platform/schema";
import { fileRecordTypes, fileRejections, fileStatuses } from "./file.constants";

const fileName = text(255)
  .regex(/^[^/\\]+$/, "Must be a file name, without a path.")
  .meta({ description: "The file's name as people see it, e.g. `Proposal 2026.pdf`.", example: "Proposal.pdf" });

const contentType = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+$/, "Must be a media type such as application/pdf.")
  .transform((value) => value.toLowerCase())
  .meta({ example: "application/pdf" });

export const fileRecordSchema = z
  .strictObject({
    type: z.enum(fileRecordTypes),
    id: z.string().min(1).max(100),
  })
  .meta({ id: "FileRecord", description: "A contact, company, deal or activity the file is on." });

export const createFileInput = z
  .strictObject({
    name: fileName,
    contentType: contentType.meta({ description: "What the file is; the upload must send the same." }),
    size: z
      .number()
      .int()
      .min(1)
      .meta({
        description: `Bytes; at most the organisation's file limit (${defaultMaxFileBytes / 1024 / 1024} MB by default).`,
      }),
    records: z.array(fileRecordSchema).min(1).max(10),
  })
  .meta({ id: "CreateFileInput" });
export type CreateFileInput = z.infer<typeof createFileInput>;

export const renameFileInput = z.strictObject({ name: fileName }).meta({ id: "RenameFileInput" });
export type RenameFileInput = z.infer<typeof renameFileInput>;

export const fileSchema = z
  .object({
    id: fileIdParam,
    name: z.string(),
    contentType: z
      .string()
      .meta({ description: "The type sniffed from the bytes once checked; the declared one before." }),
    size: z.number().int().meta({ description: "Bytes: the real size once checked; the declared one before." }),
    status: z.enum(fileStatuses).meta({
      description:
        "`pending` until the upload arrives and is checked; `available` to download; `rejected` with a reason.",
    }),
    rejectedReason: z.enum(fileRejections).optional(),
    records: z.array(fileRecordSchema),
    createdBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "File" });
export type FileView = z.infer<typeof fileSchema>;

export const uploadSchema = z
  .object({
    url: z.url().meta({ description: "POST a multipart/form-data form here." }),
    fields: z
      .record(z.string(), z.string())
      .meta({ description: "Send every one as a form field, in any order, before the `file` field." }),
    expiresAt: timestamp,
  })
  .meta({
    id: "FileUpload",
    description:
      "A presigned S3 POST: its policy pins the object key, the content type and the size, so S3 itself refuses anything else.",
  });

export const createdFileSchema = z.object({ file: fileSchema, upload: uploadSchema }).meta({ id: "CreatedFile" });

export const downloadSchema = z
  .object({
    url: z.url().meta({ description: "A presigned GET; it answers the file as an attachment with its name." }),
    expiresAt: timestamp,
  })
  .meta({ id: "FileDownload" });

export const storageUsageSchema = z
  .object({
    usedBytes: z.number().int().meta({ description: "Available files and pending uploads." }),
    quotaBytes: z.number().int(),
    fileCount: z.number().int(),
    maxFileBytes: z.number().int(),
  })
  .meta({ id: "StorageUsage" });

export const fileSettingsSchema = z
  .object({
    allowedTypes: z.array(z.string()).meta({ description: "The media types accepted, sniffed from the bytes." }),
    maxFileBytes: z.number().int().meta({ description: "The largest file accepted." }),
    supportedTypes: z.array(z.string()).meta({ description: "What `allowedTypes` may contain." }),
    quotaBytes: z.number().int().meta({ description: "What the organisation may store in all (set by the plan)." }),
  })
  .meta({ id: "FileSettings" });
export type FileSettings = z.infer<typeof fileSettingsSchema>;

export const updateFileSettingsInput = z
  .strictObject({
    allowedTypes: z
      .array(z.enum(supportedFileTypes))
      .min(1)
      .max(supportedFileTypes.length)
      .transform((types) => [...new Set(types)])
      .optional(),
    maxFileBytes: z
      .number()
      .int()
      .min(1024)
      .optional()
      .meta({ description: "At most the deployment's per-file limit." }),
  })
  .refine((input) => Object.keys(input).length > 0, { message: "Give at least one field to change." })
  .meta({ id: "UpdateFileSettingsInput" });
export type UpdateFileSettingsInput = z.infer<typeof updateFileSettingsInput>;

/** The part of GuardDuty's scan-result event the check needs: which object of which bucket was scanned. */
export const malwareScanResultSchema = z.looseObject({
  s3ObjectDetails: z.looseObject({ bucketName: z.string(), objectKey: z.string() }),
  scanResultDetails: z.looseObject({ scanResultStatus: z.string() }).optional(),
});
