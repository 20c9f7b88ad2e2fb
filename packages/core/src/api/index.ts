/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { problemSchema } from "../platform/problem.schema";
export type { Contracts, DeclaredContracts, ResponseContract, RouteContract, TextDocument } from "./contracts";
export { contracts } from "./contracts";
export { openApiDocument } from "./openapi";
