export * from "./member.schema";
export * from "./member.service";
