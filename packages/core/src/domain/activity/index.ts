export * from "./activity.schema";
export * from "./activity.service";
export * from "./timeline.service";
