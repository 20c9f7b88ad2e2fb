import { stringify } from "csv-stringify/sync";
import { putObject } from "../../capabilities/storage/object-store";
import { fileObjectPrefix } from "../../declarations/files";
import type { CsvHeader } from "./csv-rows";
import { ImportRowErrorEntity } from "./import.entity";

export const errorReportContentType = "text/csv; charset=utf-8";

/** The report's own columns, around the file's: where the row was, and what was wrong with it. */
export const errorReportColumns = { line: "Line", errors: "Errors" } as const;

/**
 * Writes an import's failed rows as CSV: each row as the file had it (its columns in the file's order, so it can be
 * fixed and imported again), between the line it was on and its errors (`Column: message`, several joined by ` | `).
 * At most the 1,000 rows the import keeps, so it is built in memory. Answers the object's key.
 */
export async function writeErrorReport(item: { orgId: string; importId: string; header?: unknown }): Promise<string> {
  const { data: rows } = await ImportRowErrorEntity.query
    .rowErrorsOfImport({ orgId: item.orgId, importId: item.importId })
    .go({ pages: "all" });
  const columns = (item.header as CsvHeader | undefined)?.columns ?? [];
  const text = stringify(
    rows.map((row) => {
      const values = (row.values ?? {}) as Record<string, string>;
      const errors = row.errors.map(({ column, message }) => `${column ?? "Row"}: ${message}`).join(" | ");
      return [String(row.line), ...columns.map((column) => values[column] ?? ""), errors];
    }),
    { header: true, columns: [errorReportColumns.line, ...columns, errorReportColumns.errors], bom: true },
  );
  const key = `${fileObjectPrefix}${item.orgId}/imports/${item.importId}-errors.csv`;
  await putObject(key, text, errorReportContentType);
  return key;
}
