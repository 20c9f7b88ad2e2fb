export { noCompany } from "./company.entity";
export * from "./company.schema";
export * from "./company.service";
