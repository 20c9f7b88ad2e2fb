/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { auditContracts } from "./audit.contract";
export { listAuditEntries } from "./audit.service";
