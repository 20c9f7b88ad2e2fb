/**
 * Files on records, declared once: the bucket's logical name, its subscriber, and the limits and defaults that both
 * `stacks/files.ts` (the bucket, its CORS and lifecycle rules) and the API read. Free of runtime dependencies: SST's
 * config loader imports it.
 */

/** Logical name of the private bucket holding the organisations' files (`Resource.Files`). */
export const filesBucketName = "Files";

/** Where an organisation's objects live: under its id, then the file's id and a random part no API call reveals. */
export const fileObjectPrefix = "orgs/";

/** A file larger than this is refused before any upload (the presigned POST's policy enforces it at S3 too). */
export const defaultMaxFileBytes = 25 * 1024 * 1024;

/** What an organisation may store in all, unless its settings say otherwise. */
export const defaultStorageQuotaBytes = 5 * 1024 * 1024 * 1024;

/** How long a presigned upload and a presigned download stay valid. */
export const uploadUrlSeconds = 15 * 60;
export const downloadUrlSeconds = 5 * 60;

/** An uploaded object that was never checked is forgotten after this many days (the bucket's lifecycle rule). */
export const abandonedUploadDays = 1;

/**
 * The tag every upload arrives with (its POST policy pins it) and the check replaces once the file is available:
 * the lifecycle rule expires objects still carrying the pending value, so an upload whose check never ran (or
 * failed) does not stay in the bucket for ever.
 */
export const uploadCheckTag = { key: "crm-check", pending: "pending", passed: "passed" } as const;

/**
 * The kinds of file an organisation accepts by default, by the type sniffed from the bytes (never the client's
 * word): PDF, images, Office documents, CSV and plain text.
 */
export const defaultAllowedFileTypes = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/heic",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "text/csv",
  "text/plain",
] as const;

/**
 * Every type an organisation may choose to accept: the defaults plus formats some trades need (archives, e-mails,
 * vector drawings). Executables and scripts are never among them.
 */
export const supportedFileTypes = [
  ...defaultAllowedFileTypes,
  "application/zip",
  "message/rfc822",
  "image/svg+xml",
  "image/tiff",
  "application/rtf",
] as const;

/** The function S3 calls when an object is created in the bucket: it checks what arrived before anyone can download it. */
export const bucketSubscriptions = {
  fileUploaded: {
    handler: "packages/functions/src/storage/file-uploaded.handler",
    events: ["s3:ObjectCreated:*"],
    filterPrefix: fileObjectPrefix,
    description:
      "Checks an uploaded file (real size, type sniffed from its bytes, allow-list, malware scan) and makes it available or rejects it.",
    timeoutSeconds: 60,
  },
} as const;

/**
 * GuardDuty Malware Protection for S3 publishes each scan's result on the account's default bus: the upload check
 * runs again on it, as a file whose verdict tag was not there yet waited for it. Only where scanning is enabled.
 */
export const malwareScanSubscription = {
  name: "malwareScanResults",
  handler: "packages/functions/src/storage/malware-scan-result.handler",
  pattern: { source: ["aws.guardduty"], detailType: ["GuardDuty Malware Protection Object Scan Result"] },
  description: "Checks an upload again when GuardDuty has scanned it, so a file waiting for its verdict is decided.",
  timeoutSeconds: 60,
} as const;
