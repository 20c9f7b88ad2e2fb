export * from "./local-kms";
