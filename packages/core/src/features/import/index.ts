/** The public surface of this module: the CSV core, the import job and its routes, for handlers and tests. */
export type {
  CellKind,
  ColumnMapping,
  ImportField,
  ImportFieldName,
  ImportRecordType,
  MappingSuggestion,
} from "./column-mapping";
export {
  columnMappingSchema,
  importFieldOf,
  importFields,
  importRecordTypes,
  normalisedHeader,
  suggestMapping,
} from "./column-mapping";
export type {
  CsvDelimiter,
  CsvHeader,
  CsvReadOptions,
  CsvRow,
  MalformedCsvReason,
  RenamedHeader,
} from "./csv-rows";
export { CsvLimitExceededError, csvRows, defaultCsvLimits, MalformedCsvError, readCsvHeader } from "./csv-rows";
export { customFieldValueOf } from "./custom-field-cells";
export type { DuplicateHandling, ImportStatus } from "./import.constants";
export { rowConcurrency } from "./import.constants";
export { importContracts } from "./import.contract";
export { ImportEntity, ImportRowErrorEntity, ImportSeenKeyEntity } from "./import.entity";
export { type ImportRunRequest, importRunRequestSchema } from "./import.requests";
export { type ChunkOptions, type ChunkOutcome, runImportChunk, sweepImports } from "./import.runner";
export type { ImportView, StartImportInput } from "./import.schema";
export { getImport, importRowErrors, startImport } from "./import.service";
export type { ImportInput, MinorUnits, RowInputOptions, RowInputResult, RowIssue } from "./row-input";
export { dedupeFields, dedupeKeyOf, importInputSchemas, listItemsOf, minorUnitsOf, rowToInput } from "./row-input";
