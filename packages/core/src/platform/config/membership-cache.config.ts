import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

const membershipCacheConfigSchema = z.object({
  /**
   * How long a container trusts a membership it read: the bound within which a member removed (or whose role
   * changed) in another container loses (or changes) access. 0 reads the table on every request.
   * MEMBERSHIP_CACHE_MS overrides it.
   */
  milliseconds: z.coerce.number().int().min(0).max(60_000).default(5_000),
});

export type MembershipCacheConfig = z.infer<typeof membershipCacheConfigSchema>;

export function readMembershipCacheConfig(source: ConfigSource): MembershipCacheConfig {
  return parseConfig("membership cache", membershipCacheConfigSchema, {
    milliseconds: source.variable("MEMBERSHIP_CACHE_MS"),
  });
}

/** The membership cache's bound, parsed once; it needs no link. */
export const membershipCacheConfig = once(() => readMembershipCacheConfig(runtimeConfigSource));
