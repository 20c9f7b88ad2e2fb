import { tableDefinition } from "../../declarations/table";
import { tableEntity } from "../../platform/table";
import { globalIndex, primaryKeyFields } from "../../platform/table-keys";
import { importRecordTypes } from "./column-mapping";
import { duplicateHandlings, importStatuses } from "./import.constants";

const byLeaseEnd = globalIndex("gsi2");

/** Padded so that a row error's sort key orders by line (`0000012` before `0000100`). */
const lineNumber = { type: "number", required: true, readOnly: true, padding: { length: 7, char: "0" } } as const;

/**
 * One import of a CSV file into contacts, companies or deals, and how far its run is. The run goes in chunks: each
 * takes the lease (so two runners never process the same import), reads rows from `resumeFrom`, and saves the
 * cursor and the counts conditionally on the version it read. A dry run counts the same way and writes no records.
 */
export const ImportEntity = tableEntity({
  model: { service: "crm", entity: "import", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    importId: { type: "string", required: true, readOnly: true },
    fileId: { type: "string", required: true, readOnly: true },
    recordType: { type: importRecordTypes, required: true, readOnly: true },
    /** `{ column: field | null }`, as validated against the file's header when the import was started. */
    mapping: { type: "any", required: true, readOnly: true },
    onDuplicate: { type: duplicateHandlings, required: true, readOnly: true },
    dryRun: { type: "boolean", required: true, readOnly: true },
    defaultCurrency: { type: "string", readOnly: true },
    status: { type: importStatuses, required: true },
    /** The last line whose row is done (0 before the first). */
    cursorLine: { type: "number", required: true },
    /**
     * Where the file goes on after that row (its byte offset and line): the next chunk reads from there with a ranged
     * GET instead of the whole file again. Absent before the first chunk.
     */
    resumeFrom: {
      type: "map",
      properties: { byte: { type: "number", required: true }, line: { type: "number", required: true } },
    },
    /** The object key of the failed rows as CSV, written when an import with failed rows ends. */
    errorReportKey: { type: "string" },
    /** The file's header as read when the import was started (`CsvHeader`): a resumed chunk does not see it. */
    header: { type: "any", readOnly: true },
    counts: {
      type: "map",
      required: true,
      properties: {
        rows: { type: "number", required: true },
        created: { type: "number", required: true },
        updated: { type: "number", required: true },
        skipped: { type: "number", required: true },
        failed: { type: "number", required: true },
      },
    },
    /** Why the file as a whole could not be imported (malformed CSV with its line, too many rows, gone). */
    failure: {
      type: "map",
      properties: {
        reason: { type: "string", required: true },
        message: { type: "string", required: true },
        line: { type: "number" },
      },
    },
    /** The runner holding the import, and until when: a lease that ran out lets the sweep hand it to another. */
    leaseId: { type: "string" },
    leaseExpiresAt: { type: "string", required: true },
    /** Who started it: the records are written as this member, with the import as the request. */
    actor: {
      type: "map",
      required: true,
      readOnly: true,
      properties: {
        userId: { type: "string", required: true },
        email: { type: "string", required: true },
        name: { type: "string" },
        memberId: { type: "string", required: true },
        role: { type: "string", required: true },
        /** Set when an API key started the import: the member who owns what it creates (see Actor). */
        ownerOfNewRecords: { type: "string" },
      },
    },
    version: { type: "number", required: true },
    createdAt: { type: "string", required: true, readOnly: true },
    updatedAt: { type: "string", required: true },
    startedAt: { type: "string" },
    completedAt: { type: "string" },
  },
  indexes: {
    import: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "importId"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
    /**
     * Every unfinished import of every organisation by the end of its lease, for the sweep's one query per status.
     * Sparse: an import leaves it when it completes or fails (the status is in the key).
     */
    unfinishedImports: {
      index: byLeaseEnd.index,
      condition: (attributes) => attributes.status === "queued" || attributes.status === "running",
      pk: { field: byLeaseEnd.pk, composite: ["status"] },
      sk: { field: byLeaseEnd.sk, composite: ["leaseExpiresAt", "importId"] },
    },
  },
});

/** A row of an import that could not be imported, with every reason, as the API would report the same body. */
export const ImportRowErrorEntity = tableEntity({
  model: { service: "crm", entity: "importRowError", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    importId: { type: "string", required: true, readOnly: true },
    line: lineNumber,
    errors: {
      type: "list",
      required: true,
      items: {
        type: "map",
        properties: {
          path: { type: "string", required: true },
          message: { type: "string", required: true },
          column: { type: "string" },
        },
      },
    },
    /** The row's cells by column, as read: the downloadable report gives them back for fixing and re-importing. */
    values: { type: "any", readOnly: true },
    /** Epoch seconds; the table's TTL attribute: the report is kept for a while, not for ever. */
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    rowErrorsOfImport: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "importId"] },
      sk: { field: primaryKeyFields.sk, composite: ["line"] },
    },
  },
});

/**
 * A dedupe key a dry run has seen, and on which line first: a dry run writes no records, so a later row with the
 * same email or domain (maybe in a later chunk) finds this instead. Expires with the report.
 */
export const ImportSeenKeyEntity = tableEntity({
  model: { service: "crm", entity: "importSeenKey", version: "1" },
  attributes: {
    orgId: { type: "string", required: true, readOnly: true },
    importId: { type: "string", required: true, readOnly: true },
    key: { type: "string", required: true, readOnly: true },
    line: { type: "number", required: true, readOnly: true },
    expiresAt: { type: "number", required: true, readOnly: true, field: tableDefinition.ttl },
  },
  indexes: {
    seenKey: {
      pk: { field: primaryKeyFields.pk, composite: ["orgId", "importId", "key"] },
      sk: { field: primaryKeyFields.sk, composite: [] },
    },
  },
});
