export * from "./contracts";
export * from "./openapi";
export * from "./problem.schema";
