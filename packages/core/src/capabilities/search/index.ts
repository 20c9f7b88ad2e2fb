/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { searchContracts } from "./search.contract";

export type { SearchDocument } from "./search.service";
export {
  foldSearchText,
  maxTermLength,
  maxTermsPerRecord,
  search,
  searchDocumentOfCompany,
  searchDocumentOfContact,
  searchTermActions,
  searchTermItems,
} from "./search.service";
