export * from "./websocket-events";
export * from "./websocket-gateway";
