/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { RestoreConflictError } from "../../capabilities/trash/trash.errors";
export { trashContracts } from "./trash.contract";
export { listTrash, restoreFromTrash } from "./trash.service";
