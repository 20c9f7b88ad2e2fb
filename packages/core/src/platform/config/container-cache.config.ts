import { z } from "zod";
import { type ConfigSource, once, parseConfig, runtimeConfigSource } from "./configuration";

/** How long a container may trust what it read: the bound on how stale a change made in another container can be. */
const bound = z.coerce.number().int().min(0).max(60_000).default(5_000);

const containerCacheConfigSchema = z.object({
  /** A membership: within it, a member removed (or whose role changed) elsewhere loses (or changes) access. */
  membershipMilliseconds: bound,
  /** An organisation's pipelines, for deal writes (checked against the pipeline's version in their transaction). */
  pipelineMilliseconds: bound,
});

export type ContainerCacheConfig = z.infer<typeof containerCacheConfigSchema>;

/** MEMBERSHIP_CACHE_MS and PIPELINE_CACHE_MS override the bounds; 0 reads the table every time. */
export function readContainerCacheConfig(source: ConfigSource): ContainerCacheConfig {
  return parseConfig("container caches", containerCacheConfigSchema, {
    membershipMilliseconds: source.variable("MEMBERSHIP_CACHE_MS"),
    pipelineMilliseconds: source.variable("PIPELINE_CACHE_MS"),
  });
}

/** The caches' bounds, parsed once; they need no link. */
export const containerCacheConfig = once(() => readContainerCacheConfig(runtimeConfigSource));
