/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { organisationContracts } from "./organisation.contract";
export { getOrganisation } from "./organisation.queries";
