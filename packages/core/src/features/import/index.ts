/** The public surface of this module: what the import job and the tests use. */
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
export type { ImportInput, MinorUnits, RowInputOptions, RowInputResult, RowIssue } from "./row-input";
export { dedupeFields, dedupeKeyOf, importInputSchemas, listItemsOf, minorUnitsOf, rowToInput } from "./row-input";
