export { allEntities, tableEntities } from "./entities";
export type { DomainErrorCode } from "./error-codes";
