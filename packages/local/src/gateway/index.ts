export * from "./api-gateway-event";
export * from "./http-gateway";
export * from "./lambda-result";
