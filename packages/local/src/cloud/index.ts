export * from "./handler-environment";
export * from "./local-cloud";
