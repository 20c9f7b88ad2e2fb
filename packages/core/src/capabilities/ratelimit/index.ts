/** The public surface of this module: what handlers, the local cloud and the tests use. */

export { consumeRateLimit } from "./rate-limit.service";
export { RateLimitCounterEntity } from "./rate-limit-counter.entity";
