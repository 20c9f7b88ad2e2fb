export * from "./event-pattern";
export * from "./local-bus";
export * from "./local-scheduler";
export * from "./stream-reader";
