export * from "../../capabilities/trash/trash.errors";
export * from "./trash.schema";
export * from "./trash.service";
