export * from "./cors";
export * from "./events";
export * from "./routes";
export * from "./table";
