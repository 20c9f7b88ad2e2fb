/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { associationContracts } from "./association.contract";
export { listAssociations } from "./association.service";
