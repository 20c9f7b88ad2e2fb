export * from "./auth";
export * from "./cors";
export * from "./events";
export * from "./integrations";
export * from "./routes";
export * from "./schedules";
export * from "./table";
export * from "./websocket";
