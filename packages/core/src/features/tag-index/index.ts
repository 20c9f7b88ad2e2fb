/** The public surface of this module: what the tag index's bus subscriber and the tests use. */
export type { TagIndexOutcome } from "./tag-index.reconciler";
export { reconcileTagIndex } from "./tag-index.reconciler";
