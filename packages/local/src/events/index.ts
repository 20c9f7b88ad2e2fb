export * from "./event-pattern";
export * from "./local-bus";
export * from "./local-queue";
export * from "./local-scheduler";
export * from "./stream-reader";
