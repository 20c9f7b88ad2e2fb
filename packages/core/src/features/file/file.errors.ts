import { DomainError } from "../../platform/errors";

/** The codes of the files' own errors; composition/ joins them into `DomainErrorCode`. */
export type FileErrorCode = "file-too-large" | "storage-quota-exceeded" | "file-not-available";

/** The file is larger than the organisation accepts for one file. */
export class FileTooLargeError extends DomainError<FileErrorCode> {
  readonly code = "file-too-large";
  constructor(
    readonly maxBytes: number,
    message: string,
  ) {
    super(message);
  }
  override problemFields() {
    return { maxBytes: this.maxBytes };
  }
}

/** The file would take the organisation's storage past its quota. */
export class StorageQuotaExceededError extends DomainError<FileErrorCode> {
  readonly code = "storage-quota-exceeded";
  constructor(
    readonly usage: { usedBytes: number; quotaBytes: number },
    message: string,
  ) {
    super(message);
  }
  override problemFields() {
    return this.usage;
  }
}

/** The file cannot be downloaded (yet): its upload has not arrived or been checked, or it was rejected. */
export class FileNotAvailableError extends DomainError<FileErrorCode> {
  readonly code = "file-not-available";
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
  override problemFields() {
    return { fileStatus: this.status };
  }
}
