export * from "../platform/problem.schema";
export * from "./contracts";
export * from "./openapi";
