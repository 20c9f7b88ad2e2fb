/** The public surface of this module: what handlers, the export subscriber and the tests use. */

export { exportContracts } from "./export.contract";
export { ExportEntity } from "./export.entity";
export { exportRunRequestSchema } from "./export.requests";
export { createExportInput, exportSchema } from "./export.schema";
export { getExport, runExport, startExport } from "./export.service";
