export * from "./member.errors";
export * from "./member.schema";
export * from "./member.service";
