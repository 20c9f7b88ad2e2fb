export * from "./bucket-notifications";
export * from "./local-s3";
export type { StoredObject } from "./object-store";
export { RequestAuthenticator, type WireRequest } from "./request-signature";
export type { ObjectCreatedEventName, S3Event, S3EventRecord } from "./s3-event";
