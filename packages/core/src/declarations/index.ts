export * from "./cors";
export * from "./routes";
export * from "./table";
