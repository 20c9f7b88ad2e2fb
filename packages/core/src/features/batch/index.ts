/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { batchContracts } from "./batch.contract";

export type { BatchOutcome } from "./batch.runner";
export { runBatch } from "./batch.runner";
export type { BatchEntry } from "./batch.schema";
export {
  batchCreateCompanies,
  batchCreateContacts,
  batchCreateDeals,
  batchUpdateCompanies,
  batchUpdateContacts,
  batchUpdateDeals,
} from "./batch.service";
