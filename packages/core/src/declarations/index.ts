export * from "./routes";
export * from "./table";
