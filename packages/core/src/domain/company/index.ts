/** The public surface of this module: what handlers, the local cloud and the tests use. */
export { noCompany } from "./company.entity";
export { companyDomain } from "./company.schema";
export { createCompany, deleteCompany, getCompany, listCompanies, updateCompany } from "./company.service";
