export * from "./defaults";
export * from "./identity-provider";
