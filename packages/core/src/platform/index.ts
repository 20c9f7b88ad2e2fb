export * from "./config";
export * from "./cursor";
export { databaseClient, db } from "./database";
export * from "./errors";
export * from "./etag";
export * from "./ids";
export * from "./request-context";
export * from "./schema";
export * from "./validation";
