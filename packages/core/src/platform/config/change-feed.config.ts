import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

const changeFeedConfigSchema = z.object({
  /**
   * How far behind the present a change-feed read stops: an event takes the stream subscriber one write to store
   * after it took its position, and containers' clocks differ a little, so a read that went up to the present could
   * pass a position whose write is still on its way, and its cursor would skip it. A few seconds covers both with a
   * wide margin; CHANGE_FEED_SETTLE_MS overrides it (the tests use a shorter one).
   */
  settleMilliseconds: z.coerce.number().int().min(0).max(60_000).default(5_000),
});

export type ChangeFeedConfig = z.infer<typeof changeFeedConfigSchema>;

/** The change feed's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readChangeFeedConfig(source: ConfigSource): ChangeFeedConfig {
  return parseConfig("change feed", changeFeedConfigSchema, {
    settleMilliseconds: source.variable("CHANGE_FEED_SETTLE_MS"),
  });
}

/** The change feed's configuration, parsed once; it needs no link, so a wrong value fails the cold start. */
export const changeFeedConfig = once(() => readChangeFeedConfig(runtimeConfigSource));
