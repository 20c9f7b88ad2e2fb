/**
 * When failed deliveries are tried again: the delays after the 1st, 2nd, … failed attempt (Svix's schedule, which
 * Standard Webhooks cites), about 27.6 hours in all. The retry job runs every minute, so a delay is a lower bound.
 */
export const retryDelaysSeconds = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;

/** Attempts a delivery gets before it counts as failed: the first one and one per delay. */
export const maxAttempts = retryDelaysSeconds.length + 1;

/** Each delay is spread by up to this fraction either way, so that retries after an outage do not arrive together. */
export const retryJitter = 0.1;

/**
 * When the next attempt is due after `attempts` attempts that all failed, or null when the schedule is spent.
 * `random` is in [0, 1), like Math.random.
 */
export function nextAttemptAt(attempts: number, failedAt: Date, random: () => number = Math.random): Date | null {
  const delay = retryDelaysSeconds[attempts - 1];
  if (delay === undefined) return null;
  const jittered = delay * (1 + retryJitter * (2 * random() - 1));
  return new Date(failedAt.getTime() + Math.round(jittered * 1000));
}
