import { rateLimitsConfig } from "../../platform/config/rate-limits.config";
import { isConditionalCheckFailure } from "../../platform/transactions";
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

/**
 * Counts one request against the caller's bucket and, inside an organisation, the organisation's bucket: fixed
 * windows, one conditional ADD each, in parallel. A full bucket refuses the request without counting it.
 * DynamoDB, not API Gateway, keeps the counts: HTTP APIs throttle per route or stage, never per client.
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
  const counts = await Promise.all(
    buckets.map(async (bucket) => {
      try {
        const { data } = await RateLimitCounterEntity.update({ bucket: `${bucket.scope}:${bucket.id}:${window}` })
          .add({ count: 1 })
          .set({ expiresAt })
          .where(({ count }, { notExists, lt }) => `${notExists(count)} OR ${lt(count, bucket.limit)}`)
          .go({ response: "updated_new" });
        return { bucket, count: (data as { count?: number }).count ?? 1, refused: false };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
        return { bucket, count: bucket.limit, refused: true };
      }
    }),
  );
  const refused = counts.find((entry) => entry.refused);
  const tightest = counts.reduce((low, entry) =>
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
