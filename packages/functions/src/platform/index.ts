/**
 * The public surface of the functions' platform: one factory per trigger kind (HTTP has two: httpEndpoint for the
 * signed-in routes, publicEndpoint for the public ones), and the pieces of the HTTP one that its tests examine on
 * their own (the response a contract shapes, the problem an error becomes).
 */
export { bucketSubscriber } from "./bucket-subscriber";
export { busSubscriber } from "./bus-subscriber";
export { endpointResponse } from "./endpoint-response";
export { hmacSha256Matches } from "./hmac-signature";
export { httpEndpoint, maxBodyBytes } from "./http-endpoint";
export { HttpProblemError } from "./http-problem";
export { problemOf } from "./problem-responses";
export { publicEndpoint } from "./public-endpoint";
export { scheduledJob } from "./scheduled-job";
export { type StreamRecordDecoding, streamSubscriber, type UndecodableRecord } from "./stream-subscriber";
export { type SignedRequest, type WebhookNotification, webhookReceiver } from "./webhook-receiver";
