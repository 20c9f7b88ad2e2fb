/** The public surface of this module: what handlers, the local cloud and the tests use. */
export {
  abandonIdempotentRequest,
  beginIdempotentRequest,
  completeIdempotentRequest,
  fingerprintOf,
  idempotencyScope,
} from "./idempotency.service";
