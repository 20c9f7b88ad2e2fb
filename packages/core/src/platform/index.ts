export * from "./config";
export * from "./cursor";
export { databaseClient, db, onDatabaseClient } from "./database";
export * from "./errors";
export * from "./etag";
export * from "./ids";
export * from "./request-context";
export * from "./schema";
export * from "./validation";
