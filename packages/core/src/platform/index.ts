export * from "./config";
export * from "./errors";
export * from "./ids";
export * from "./request-context";
export * from "./schema";
export * from "./cursor";
