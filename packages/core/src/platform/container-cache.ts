import { cacheMetricNames } from "../declarations/metrics";
import { countMetric } from "./metrics-sink";

/**
 * Answers kept by one container (one Lambda execution environment) for a short while, so that a warm function does
 * not read the same item on every request. Only found values are kept (a miss is read again next time, so something
 * just created is seen at once); a change made in this container forgets its key at once, one made in another is
 * seen once the entry expires: `ttlMilliseconds` is the bound on staleness. At most `maxEntries`, the oldest
 * written dropped first, so memory stays bounded however many callers a container serves. Hits and misses are
 * counted under the cache's name, for the invocation's metrics.
 */
export class ContainerCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #metrics: { hits: string; misses: string };

  constructor(
    name: string,
    private readonly ttlMilliseconds: () => number,
    private readonly maxEntries = 1_000,
  ) {
    this.#metrics = cacheMetricNames(name);
  }

  /** The kept value for `key`, or what `load` reads (kept when found). */
  async get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const kept = this.#entries.get(key);
    if (kept && kept.expiresAt > Date.now()) {
      countMetric(this.#metrics.hits);
      return kept.value;
    }
    countMetric(this.#metrics.misses);
    this.#entries.delete(key);
    const value = await load();
    const ttl = this.ttlMilliseconds();
    if (value !== null && ttl > 0) {
      this.#entries.set(key, { value, expiresAt: Date.now() + ttl });
      if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return value;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
