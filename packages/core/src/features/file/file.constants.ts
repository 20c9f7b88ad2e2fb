/** The records a file can be attached to. */
export const fileRecordTypes = ["contact", "company", "deal", "activity"] as const;
export type FileRecordType = (typeof fileRecordTypes)[number];

/** `pending` until the upload is checked; then `available` (downloadable) or `rejected` (with a reason). */
export const fileStatuses = ["pending", "available", "rejected"] as const;
export type FileStatus = (typeof fileStatuses)[number];

/** Why a file was rejected, as the API names it. */
export const fileRejections = ["type-not-allowed", "type-mismatch", "size-mismatch", "malware", "empty"] as const;
export type FileRejection = (typeof fileRejections)[number];
