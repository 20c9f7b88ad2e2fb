import type { EntityItem } from "electrodb";
import { assertCanWrite } from "../../capabilities/authorization/policy";
import { customFieldDefinitionsOf } from "../../capabilities/custom-fields/custom-field.service";
import { objectStream, presignedDownload } from "../../capabilities/storage/object-store";
import { downloadUrlSeconds } from "../../declarations/files";
import { now } from "../../platform/clock";
import { NotFoundError, ValidationError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { TenantContext } from "../../platform/request-context";
import { fieldIssuesOf } from "../../platform/validation";
import { FileNotAvailableError } from "../file/file.errors";
import { loadFile } from "../file/file.queries";
import { type ColumnMapping, columnMappingSchema, suggestMapping } from "./column-mapping";
import { CsvLimitExceededError, MalformedCsvError, readCsvHeader } from "./csv-rows";
import { importableCustomFields } from "./custom-field-cells";
import { importableContentTypes, leaseSeconds, maxStoredRowErrors } from "./import.constants";
import { ImportEntity, ImportRowErrorEntity } from "./import.entity";
import { requestImportRun } from "./import.requests";
import type { ImportView, StartImportInput } from "./import.schema";
import { errorReportContentType } from "./import-report";

export type ImportItem = EntityItem<typeof ImportEntity>;

/** An import as the API shows it: never its lease or the actor's details beyond the member. */
export async function toImport(item: ImportItem): Promise<ImportView> {
  const errorReport = item.errorReportKey
    ? await presignedDownload(item.errorReportKey, {
        name: `import-${item.importId}-errors.csv`,
        contentType: errorReportContentType,
        expiresInSeconds: downloadUrlSeconds,
      })
    : undefined;
  return {
    id: item.importId,
    fileId: item.fileId,
    recordType: item.recordType,
    status: item.status,
    mapping: item.mapping as ColumnMapping,
    onDuplicate: item.onDuplicate,
    dryRun: item.dryRun,
    ...(item.defaultCurrency ? { defaultCurrency: item.defaultCurrency } : {}),
    counts: item.counts,
    ...(item.failure ? { failure: item.failure } : {}),
    ...(errorReport ? { errorReport } : {}),
    createdBy: item.actor.memberId,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    ...(item.startedAt ? { startedAt: item.startedAt } : {}),
    ...(item.completedAt ? { completedAt: item.completedAt } : {}),
  };
}

/** The lease end a new or released import gets: when the sweep may ask for its chunk again if nobody ran it. */
export const leaseEndFrom = (from: number) => new Date(from + leaseSeconds * 1000).toISOString();

/**
 * Starts importing an uploaded CSV file: the file must be the organisation's, available and CSV or plain text; the
 * mapping (the suggestion from the header when none is given) is checked against the file's header. The import is
 * recorded as `queued` and its run asked for on the bus; it answers at once.
 */
export async function startImport(context: TenantContext, input: StartImportInput): Promise<ImportView> {
  assertCanWrite(context.actor);
  const file = await loadFile(context.orgId, input.fileId).catch((error) => {
    if (error instanceof NotFoundError) {
      throw new ValidationError([{ path: "body.fileId", message: "No such file in this organisation." }]);
    }
    throw error;
  });
  if (file.status !== "available") {
    throw new FileNotAvailableError(
      file.status,
      file.status === "pending"
        ? "The file has not arrived or has not been checked yet; import it once it is available."
        : "The file was rejected when it was checked.",
    );
  }
  const contentType = file.contentType ?? file.declaredContentType;
  if (!importableContentTypes.includes(contentType)) {
    throw new ValidationError([
      { path: "body.fileId", message: `Only CSV or plain text files can be imported; this one is ${contentType}.` },
    ]);
  }
  const header = await readCsvHeader(await objectStream(file.objectKey)).catch((error) => {
    if (error instanceof MalformedCsvError || error instanceof CsvLimitExceededError) {
      throw new ValidationError([{ path: "body.fileId", message: error.message }], "The file cannot be imported.", {
        cause: error,
      });
    }
    throw error;
  });
  const customFields = importableCustomFields(await customFieldDefinitionsOf(context.orgId), input.recordType);
  const mapping = input.mapping ?? suggestMapping(input.recordType, header.columns, customFields).mapping;
  const checked = columnMappingSchema(input.recordType, header.columns, customFields).safeParse(mapping);
  if (!checked.success) throw new ValidationError(fieldIssuesOf("body.mapping", checked.error.issues));

  const at = now();
  const item: ImportItem = {
    orgId: context.orgId,
    importId: newId("import"),
    fileId: file.fileId,
    recordType: input.recordType,
    mapping: checked.data,
    onDuplicate: input.onDuplicate,
    dryRun: input.dryRun,
    ...(input.defaultCurrency ? { defaultCurrency: input.defaultCurrency } : {}),
    status: "queued",
    cursorLine: 0,
    header,
    counts: { rows: 0, created: 0, updated: 0, skipped: 0, failed: 0 },
    // Should the request below be lost, the sweep asks for the first chunk once this has passed.
    leaseExpiresAt: leaseEndFrom(Date.parse(at)),
    actor: {
      userId: context.actor.userId,
      email: context.actor.email,
      ...(context.actor.name ? { name: context.actor.name } : {}),
      memberId: context.actor.memberId,
      role: context.actor.role,
      ...(context.actor.ownerOfNewRecords ? { ownerOfNewRecords: context.actor.ownerOfNewRecords } : {}),
    },
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await ImportEntity.create(item).go({ response: "none" });
  await requestImportRun({ orgId: item.orgId, importId: item.importId }, true);
  return toImport(item);
}

/** The organisation's import, or a 404 (also for another organisation's id). */
export async function loadImport(orgId: string, importId: string): Promise<ImportItem> {
  const { data } = await ImportEntity.get({ orgId, importId }).go({ consistent: true });
  if (!data) throw new NotFoundError("import", importId);
  return data;
}

export async function getImport(context: TenantContext, importId: string): Promise<ImportView> {
  return toImport(await loadImport(context.orgId, importId));
}

/** The import's failed rows, one entry per reason, in line order (the first 1,000 rows that failed). */
export async function importRowErrors(context: TenantContext, importId: string) {
  const item = await loadImport(context.orgId, importId);
  const { data } = await ImportRowErrorEntity.query
    .rowErrorsOfImport({ orgId: context.orgId, importId })
    .go({ pages: "all" });
  return {
    data: data.flatMap((row) =>
      row.errors.map((error) => ({
        line: row.line,
        column: error.column ?? null,
        path: error.path,
        message: error.message,
      })),
    ),
    truncated: item.counts.failed > maxStoredRowErrors,
  };
}
