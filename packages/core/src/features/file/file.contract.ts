import { z } from "zod";
import type { ContractsOf } from "../../platform/route-contract";
import type { fileRoutes } from "./file.routes";
import {
  createdFileSchema,
  createFileInput,
  downloadSchema,
  fileSchema,
  fileSettingsSchema,
  renameFileInput,
  storageUsageSchema,
  updateFileSettingsInput,
} from "./file.schema";

const filesOfRecord = (record: string) => ({
  summary: `List a${record === "activity" ? "n" : ""} ${record}'s files`,
  description: `The files on the ${record}, newest first, whatever their status (a pending file is still uploading or being checked).`,
  tag: "Files" as const,
  query: z.strictObject({}),
  response: {
    status: 200 as const,
    description: `The ${record}'s files.`,
    schema: z.object({ data: z.array(fileSchema) }),
  },
});

/** What the routes of file.routes.ts accept and answer. */
export const fileContracts = {
  "files.create": {
    summary: "Start uploading a file",
    description:
      "Records the file as `pending` on its records and answers a presigned S3 POST: send `upload.fields` and then the file as multipart/form-data to `upload.url` within 15 minutes. The policy pins the object key, the content type and the size, so S3 refuses anything else. When the upload arrives it is checked (its real size, its type sniffed from the bytes against the organisation's allow-list and against the declared type, the malware scan) and becomes `available` or `rejected`. A file over the per-file limit is `413 file-too-large`; one that would pass the organisation's quota `409 storage-quota-exceeded`; either creates nothing.",
    tag: "Files",
    body: createFileInput,
    response: { status: 201, description: "The pending file and its upload.", schema: createdFileSchema },
    errors: [409, 413],
  },
  "files.get": {
    summary: "Get a file",
    tag: "Files",
    response: { status: 200, description: "The file.", schema: fileSchema },
  },
  "files.update": {
    summary: "Rename a file",
    tag: "Files",
    body: renameFileInput,
    response: { status: 200, description: "The renamed file.", schema: fileSchema },
  },
  "files.delete": {
    summary: "Delete a file",
    description:
      "Moves the file to the trash: it is a 404 to every read, listed in the trash (type `file`, labelled with its name) and restorable there for 30 days onto the records it was on; it still counts towards the storage until it is purged with its object 30 days after its deletion. Who may upload files may delete them.",
    tag: "Files",
    response: { status: 204, description: "The file is in the trash." },
  },
  "files.download": {
    summary: "Download a file",
    description:
      "A presigned GET valid for 5 minutes that answers the file as an attachment with its name. Only an `available` file can be downloaded: a pending or rejected one is `409 file-not-available`.",
    tag: "Files",
    response: { status: 200, description: "Where to download it.", schema: downloadSchema },
    errors: [409],
  },
  "files.storage": {
    summary: "Read the organisation's storage use",
    tag: "Files",
    response: {
      status: 200,
      description: "What the files take, the quota and the per-file limit.",
      schema: storageUsageSchema,
    },
  },
  "files.settings": {
    summary: "Read what the organisation accepts",
    description:
      "The media types accepted (sniffed from the bytes), the per-file limit, the quota, and the types an admin may choose from.",
    tag: "Files",
    response: { status: 200, description: "The organisation's file settings.", schema: fileSettingsSchema },
  },
  "files.updateSettings": {
    summary: "Change what the organisation accepts",
    description:
      "Narrows or widens the accepted types (within the supported ones) and lowers the per-file limit (never above the deployment's). Files already stored are not checked again.",
    tag: "Files",
    body: updateFileSettingsInput,
    response: { status: 200, description: "The organisation's file settings.", schema: fileSettingsSchema },
  },
  "contacts.files": filesOfRecord("contact"),
  "companies.files": filesOfRecord("company"),
  "deals.files": filesOfRecord("deal"),
  "activities.files": filesOfRecord("activity"),
} as const satisfies ContractsOf<typeof fileRoutes>;
