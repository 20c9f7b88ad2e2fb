import { rateLimitsConfig } from "../../platform/config/rate-limits.config";
import { RateLimitCounterEntity } from "./rate-limit-counter.entity";

/** What a caller may still do in the current window, for the RateLimit headers and a 429's Retry-After. */
export type RateLimitState = {
  allowed: boolean;
  /** The limit of the tightest bucket. */
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
  /** Which bucket refused the request, when one did. */
  exceeded?: "caller" | "organisation";
};

// At module scope: the limits need no link, so a wrong RATE_LIMIT_* fails the cold start (see rate-limits.config.ts).
const rateLimits = rateLimitsConfig();

type Bucket = { scope: "caller" | "organisation"; id: string; limit: number };

/** One bucket's window as this container sees it. */
type Tally = {
  /** The window's count in the table, as the last flush answered it (this container's flushed requests included). */
  known: number;
  /** Requests admitted here and not yet added to the table. */
  pending: number;
  /** Requests being added by the flush under way (0 when none is). */
  flushing: number;
  lastFlushAt: number;
  expiresAt: number;
};

/** The tallies of this container, by `<scope>:<id>:<window>`; a window's are dropped once it has passed. */
const tallies = new Map<string, Tally>();
/** The window whose start last dropped the passed windows' tallies: they are swept once per window, not per request. */
let sweptWindow = -1;

/** How often a container adds what it admitted to the table: after this many requests of a bucket, or this long. */
const flushShare = 0.1;
const flushIntervalMs = 1_000;

/**
 * Adds the bucket's pending requests to its counter in the table (one ADD, no condition) and learns the window's
 * count from the answer, which includes the other containers' requests. Not awaited by the request: a failure puts
 * the requests back to be added with the next flush.
 */
function flush(key: string, tally: Tally): void {
  const count = tally.pending;
  tally.pending = 0;
  tally.flushing = count;
  tally.lastFlushAt = Date.now();
  RateLimitCounterEntity.update({ bucket: key })
    .add({ count })
    .set({ expiresAt: tally.expiresAt })
    .go({ response: "updated_new" })
    .then(
      ({ data }) => {
        tally.known = Math.max(tally.known + count, (data as { count?: number }).count ?? 0);
        tally.flushing = 0;
      },
      () => {
        tally.pending += count;
        tally.flushing = 0;
      },
    );
}

/**
 * Counts one request against the caller's bucket and, inside an organisation, the organisation's bucket (fixed
 * windows), without a round trip on the request's path: each container admits against the window's count it last
 * learned plus what it admitted since, and adds what it admitted to the table in the background, one ADD per bucket
 * after a tenth of the limit or a second, whichever comes first, learning the others' count from the answer. A full
 * bucket refuses the request without counting it. DynamoDB, not API Gateway, keeps the counts: HTTP APIs throttle
 * per route or stage, never per client.
 *
 * How approximate: one container counts exactly; with several, each may admit up to a tenth of the limit (and
 * whatever arrives within a second) that the others do not know of yet, so a caller spread over N warm containers
 * can pass the limit by up to N × 10 % within a window before every container has learned it. A container that
 * ends before its flush loses its last pending requests from the count.
 */
export async function consumeRateLimit(request: { callerId: string; orgId?: string }): Promise<RateLimitState> {
  const windowMs = rateLimits.windowSeconds * 1000;
  const now = Date.now();
  const window = Math.floor(now / windowMs);
  const resetSeconds = Math.ceil(((window + 1) * windowMs - now) / 1000);
  const buckets: Bucket[] = [
    { scope: "caller", id: `${request.orgId ?? "-"}:${request.callerId}`, limit: rateLimits.perCaller },
    ...(request.orgId
      ? [{ scope: "organisation" as const, id: request.orgId, limit: rateLimits.perOrganisation }]
      : []),
  ];
  const expiresAt = Math.floor(((window + 2) * windowMs) / 1000);
  if (window !== sweptWindow) {
    sweptWindow = window;
    for (const [key, tally] of tallies) if (tally.expiresAt * 1000 < now) tallies.delete(key);
  }
  const counted = buckets.map((bucket) => {
    const key = `${bucket.scope}:${bucket.id}:${window}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { known: 0, pending: 0, flushing: 0, lastFlushAt: 0, expiresAt };
      tallies.set(key, tally);
    }
    return { bucket, key, tally, count: tally.known + tally.flushing + tally.pending };
  });
  const refused = counted.find((entry) => entry.count >= entry.bucket.limit);
  if (!refused) {
    for (const entry of counted) {
      const { tally, bucket } = entry;
      tally.pending++;
      entry.count++;
      const due =
        tally.pending >= Math.max(1, Math.floor(bucket.limit * flushShare)) ||
        now - tally.lastFlushAt >= flushIntervalMs;
      if (due && tally.flushing === 0) flush(entry.key, tally);
    }
  }
  const tightest = counted.reduce((low, entry) =>
    entry.bucket.limit - entry.count < low.bucket.limit - low.count ? entry : low,
  );
  return {
    allowed: !refused,
    limit: (refused ?? tightest).bucket.limit,
    remaining: refused ? 0 : Math.max(0, tightest.bucket.limit - tightest.count),
    resetSeconds,
    ...(refused ? { exceeded: refused.bucket.scope } : {}),
  };
}
