export * from "./handler-environment";
export * from "./local-cloud";
export * from "./running-cloud";
