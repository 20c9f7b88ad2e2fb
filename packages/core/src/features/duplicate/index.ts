/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { duplicateContracts } from "./duplicate.contract";
export { companyDuplicates, contactDuplicates, listDuplicates } from "./duplicate.service";
export { mergeCompanies, mergeContacts } from "./merge.service";
