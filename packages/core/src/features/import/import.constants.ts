/** `queued` until its first chunk runs, `running` until the last row is done (`completed`) or the file fails. */
export const importStatuses = ["queued", "running", "completed", "failed"] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** What a row whose email or domain is already taken does: leaves the existing record alone, or updates it. */
export const duplicateHandlings = ["skip", "update"] as const;
export type DuplicateHandling = (typeof duplicateHandlings)[number];

/** The types a CSV upload is checked to be (the bytes sniffed as UTF-8 text, declared CSV or plain text). */
export const importableContentTypes: readonly string[] = ["text/csv", "text/plain"];

/** A chunk ends after this many rows or this long, whichever comes first, so no invocation nears its time limit. */
export const chunkRows = 250;
export const chunkMilliseconds = 20_000;

/**
 * How many rows of a chunk are written at once. Each row is a few dependent round trips (dedupe lookup, then the
 * service's transaction); overlapping them is what makes an import fast, while staying far below the table's and
 * the transaction conflict retries' limits.
 */
export const rowConcurrency = 8;

/** How long a runner holds an import: past it, the sweep asks for the chunk again and another runner takes it. */
export const leaseSeconds = 90;

/** The failed rows kept for the report; the count stays exact beyond them. */
export const maxStoredRowErrors = 1_000;

/** How long the row-error report (and a dry run's seen keys) are kept. */
export const reportRetentionSeconds = 30 * 24 * 60 * 60;
