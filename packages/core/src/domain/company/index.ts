/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { noCompany } from "./company.constants";
export { companyContracts } from "./company.contract";
export { companyFilterFields } from "./company.filter-fields";
export { companyLinks } from "./company.links";
export { getCompany, listCompanies } from "./company.queries";
export { companyDomain } from "./company.schema";
export { createCompany, deleteCompany, updateCompany } from "./company.service";
