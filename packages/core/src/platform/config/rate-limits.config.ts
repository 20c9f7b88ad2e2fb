import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

/** Requests per window per caller (in an organisation) and per organisation; RATE_LIMIT_* override them. */
const rateLimitsConfigSchema = z.object({
  windowSeconds: z.coerce.number().int().min(1).max(3600).default(10),
  perCaller: z.coerce.number().int().min(1).default(100),
  perOrganisation: z.coerce.number().int().min(1).default(1000),
});

export type RateLimitsConfig = z.infer<typeof rateLimitsConfigSchema>;

/** The rate limits as `source` gives them; throws a ConfigurationError naming what is wrong. */
export function readRateLimitsConfig(source: ConfigSource): RateLimitsConfig {
  return parseConfig("rate limits", rateLimitsConfigSchema, {
    windowSeconds: source.variable("RATE_LIMIT_WINDOW_SECONDS"),
    perCaller: source.variable("RATE_LIMIT_PER_CALLER"),
    perOrganisation: source.variable("RATE_LIMIT_PER_ORGANISATION"),
  });
}

/**
 * The rate limits, parsed once. They need no link, so the rate limiter, which every HTTP function loads, reads them
 * at module scope: a wrong RATE_LIMIT_* fails the cold start.
 */
export const rateLimitsConfig = once(() => readRateLimitsConfig(runtimeConfigSource));
