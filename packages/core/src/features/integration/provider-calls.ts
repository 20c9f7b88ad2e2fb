import {
  BrokenCircuitError,
  type BulkheadPolicy,
  BulkheadRejectedError,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import type { ProviderId } from "../../declarations/integrations";
import { providerCallsConfig } from "../../platform/config/integrations.config";
import { type ExternalCallOutcome, outcomeOfStatus, recordExternalCall } from "../../platform/metrics-sink";
import { ConnectionEntity } from "./connection.entity";
import { connectionNeedsReauth } from "./connection.service";
import { type CallRecord, type ConnectionKeys, recordCall } from "./integration-log";
import { accessTokenFor } from "./token-refresh";

/** One attempt's time limit: a provider that does not answer by then is treated as failing. */
const attemptTimeoutMilliseconds = () => providerCallsConfig().attemptTimeoutSeconds * 1000;
const maxAttempts = 3;
/** Retry-After up to this long is waited out in the call; longer is deferred to a later run. */
const longestWaitInCallMilliseconds = 5_000;
/** Consecutive failures that open a connection's breaker, and how long it stays open before one trial call. */
const failuresToOpen = 5;
const breakerOpenMilliseconds = () => providerCallsConfig().breakerOpenSeconds * 1000;
/** How long work waits when its connection's queue for a call slot is full: backpressure, as a 429 is. */
const fullQueueRetryAfterSeconds = 5;

type CallLimit = { readonly concurrent: number; readonly queued: number };

/**
 * Calls one connection may have in flight in a container (its bulkhead), and how many more may wait for a slot.
 * A connection's limit is its provider's own per account (QuickBooks: 10 concurrent per realm, Xero: 5 per tenant;
 * INTEGRATIONS.md §4, §5), so a container's calls never draw a concurrency 429, and one busy connection never takes
 * another's slots. Google's limits are quotas per user and minute rather than a concurrent cap: 8, as before.
 */
const callLimits = {
  "google-gmail": { concurrent: 8, queued: 64 },
  "google-calendar": { concurrent: 8, queued: 64 },
  quickbooks: { concurrent: 10, queued: 64 },
  xero: { concurrent: 5, queued: 64 },
} as const satisfies Record<ProviderId, CallLimit>;

/**
 * The provider asked us to slow down (429, or Google's 403 rate-limit reasons): backpressure, not failure. It does
 * not count against the breaker; the work waits until `retryAfterSeconds` have passed.
 */
export class ProviderRateLimitedError extends Error {
  override readonly name = "ProviderRateLimitedError";
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** The provider is failing (5xx, timeout, network) after the retries, or its breaker is open: try again later. */
export class ProviderOutageError extends Error {
  override readonly name = "ProviderOutageError";
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A failure worth another attempt, counted by the breaker. */
class TransientProviderError extends Error {
  override readonly name = "TransientProviderError";
  constructor(
    readonly status: number,
    readonly retryAfterMilliseconds: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const rateLimitReasons = new Set(["rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded", "quotaExceeded"]);

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if it has one. */
function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function googleErrorReason(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { errors?: { reason?: string }[]; status?: string } };
    return body.error?.errors?.[0]?.reason ?? body.error?.status;
  } catch {
    return undefined;
  }
}

// Decorrelated jitter between attempts, unless the provider said how long to wait.
const jitter = new ExponentialBackoff({ initialDelay: 200, maxDelay: longestWaitInCallMilliseconds });
const backoff = new DelegateBackoff<{ result: { error?: unknown } | { value: unknown } }, IBackoff<unknown>>(
  (context, previous) => {
    const next = previous ? previous.next(context) : jitter.next();
    const error = "error" in context.result ? context.result.error : undefined;
    const asked = error instanceof TransientProviderError ? error.retryAfterMilliseconds : undefined;
    return { delay: asked ?? next.duration, state: next };
  },
);
// An attempt past its time limit is cancelled by the timeout policy (TaskCancelledError, whatever the attempt does
// with its aborted signal): a failure like a 5xx, retried and counted by the breaker, so a hanging provider opens it.
const transient = handleWhen((error) => error instanceof TransientProviderError || error instanceof TaskCancelledError);

const connectionBulkheads = new Map<string, BulkheadPolicy>();
const connectionBreakers = new Map<string, CircuitBreakerPolicy>();
const connectionKey = (provider: ProviderId, keys: ConnectionKeys) => `${provider}/${keys.orgId}/${keys.connectionId}`;

const circuitNames = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half_open",
  [CircuitState.Isolated]: "open",
} as const;

/**
 * A breaker per provider and connection: one failing account must not stop every other, and one container's
 * view of it is enough to stop hammering. Its transitions are written to the connection, so its state is visible.
 */
function breakerFor(provider: ProviderId, keys: ConnectionKeys): CircuitBreakerPolicy {
  const key = connectionKey(provider, keys);
  let breaker = connectionBreakers.get(key);
  if (!breaker) {
    breaker = circuitBreaker(transient, {
      halfOpenAfter: breakerOpenMilliseconds(),
      breaker: new ConsecutiveBreaker(failuresToOpen),
    });
    breaker.onStateChange((state) => {
      ConnectionEntity.patch(keys)
        .set({ circuitState: circuitNames[state], updatedAt: new Date().toISOString() })
        .go()
        .catch(() => undefined); // visibility only; the breaker itself lives in memory
    });
    connectionBreakers.set(key, breaker);
  }
  return breaker;
}

/** A bulkhead per provider and connection, sized by the provider's limit (`callLimits`). */
function bulkheadFor(provider: ProviderId, keys: ConnectionKeys): BulkheadPolicy {
  const key = connectionKey(provider, keys);
  let policy = connectionBulkheads.get(key);
  if (!policy) {
    const limit: CallLimit = callLimits[provider];
    policy = bulkhead(limit.concurrent, limit.queued);
    connectionBulkheads.set(key, policy);
  }
  return policy;
}

/** What a call needs to say about itself for the connection's log and the provider. */
export type ProviderCall = {
  provider: ProviderId;
  keys: ConnectionKeys;
  /** e.g. `gmail.history.list`. */
  operation: string;
  send: (accessToken: string, signal: AbortSignal) => Promise<Response>;
};

/** What the connection's log calls a failure, as an external call's outcome. */
const outcomeOfErrorClass: Record<string, ExternalCallOutcome> = {
  timeout: "timeout",
  network: "network",
  rate_limited: "rate-limited",
  server_error: "server-error",
  circuit_open: "not-sent",
  queue_full: "not-sent",
};

/**
 * Records one attempt in the connection's log and as an external call to the provider (its latency and outcome; the
 * organisation, connection and operation as details, not dimensions).
 */
function logAttempt(call: ProviderCall, record: CallRecord): Promise<void> {
  recordExternalCall({
    target: call.provider,
    outcome: (record.errorClass && outcomeOfErrorClass[record.errorClass]) || outcomeOfStatus(record.status),
    latencyMs: record.latencyMs,
    details: {
      orgId: call.keys.orgId,
      connectionId: call.keys.connectionId,
      operation: call.operation,
      status: record.status,
      attempt: record.attempt,
    },
  });
  return recordCall(call.keys, record);
}

const requestIdOf = (response: Response) =>
  response.headers.get("x-request-id") ?? response.headers.get("x-goog-request-id") ?? undefined;

/**
 * Calls a provider on behalf of a connection, resiliently: a fresh access token (refreshed once when the provider
 * says it expired), a timeout per attempt, retries of transient failures with decorrelated jitter (or the
 * provider's Retry-After), a breaker and a bulkhead per connection; every attempt is logged. Answers
 * the response when the provider gave a definite one (2xx, or a 4xx the caller interprets, e.g. Gmail's 404 for a
 * stale history id); throws ProviderRateLimitedError or ProviderOutageError for work that must wait.
 */
export async function callProvider(call: ProviderCall): Promise<Response> {
  // Every attempt counts for the breaker; once it is open, the retries stop at once (they retry transient errors only).
  const policy = wrap(
    // Outermost, so a full queue never reaches the breaker: it is backpressure, not a failure of the provider.
    bulkheadFor(call.provider, call.keys),
    retry(transient, { maxAttempts: maxAttempts - 1, backoff }),
    breakerFor(call.provider, call.keys),
    timeout(attemptTimeoutMilliseconds(), TimeoutStrategy.Aggressive),
  );
  let attempt = 0;
  let refreshedAfter401 = false;
  try {
    return await policy.execute(async ({ signal }) => {
      // This attempt's number: a timed-out attempt logs after the next one has started.
      const thisAttempt = ++attempt;
      const started = Date.now();
      const log = (status: number, response?: Response, errorClass?: string) =>
        logAttempt(call, {
          operation: call.operation,
          status,
          latencyMs: Date.now() - started,
          attempt: thisAttempt,
          ...(response && requestIdOf(response) ? { providerRequestId: requestIdOf(response) } : {}),
          ...(errorClass ? { errorClass } : {}),
        });
      let response: Response;
      try {
        response = await call.send(await accessTokenFor(call.keys, connectionNeedsReauth), signal);
        if (response.status === 401 && !refreshedAfter401) {
          // The provider ended the token before its time (a password change, a revoked session): refresh once.
          refreshedAfter401 = true;
          await log(401, response, "unauthorized");
          await ConnectionEntity.patch(call.keys).set({ accessTokenExpiresAt: 0 }).go();
          response = await call.send(await accessTokenFor(call.keys, connectionNeedsReauth), signal);
        }
      } catch (error) {
        if (signal.aborted || (error as Error).name === "TimeoutError" || error instanceof TypeError) {
          await log(0, undefined, signal.aborted ? "timeout" : "network");
          throw new TransientProviderError(0, undefined, `${call.operation}: no answer.`, { cause: error });
        }
        throw error;
      }
      const reason = response.status === 403 || response.status === 429 ? await googleErrorReason(response) : undefined;
      if (response.status === 429 || (response.status === 403 && reason && rateLimitReasons.has(reason))) {
        await log(response.status, response, "rate_limited");
        const wait = retryAfterSeconds(response) ?? 60;
        throw new ProviderRateLimitedError(wait, `${call.operation}: rate limited (${reason ?? response.status}).`);
      }
      if (response.status >= 500) {
        await log(response.status, response, "server_error");
        const wait = retryAfterSeconds(response);
        await response.body?.cancel();
        throw new TransientProviderError(
          response.status,
          wait !== undefined && wait * 1000 <= longestWaitInCallMilliseconds ? wait * 1000 : undefined,
          `${call.operation}: the provider answered ${response.status}.`,
        );
      }
      await log(response.status, response, response.ok ? undefined : `http_${response.status}`);
      // Read within the attempt, under its timeout: the attempt's signal is aborted once it returns.
      const body = response.status === 204 ? null : await response.arrayBuffer();
      return new Response(body, { status: response.status, headers: response.headers });
    });
  } catch (error) {
    if (error instanceof BrokenCircuitError) {
      await logAttempt(call, {
        operation: call.operation,
        status: 0,
        latencyMs: 0,
        attempt: attempt + 1,
        errorClass: "circuit_open",
      });
      throw new ProviderOutageError(breakerOpenMilliseconds() / 1000, `${call.operation}: the breaker is open.`, {
        cause: error,
      });
    }
    if (error instanceof BulkheadRejectedError) {
      await logAttempt(call, {
        operation: call.operation,
        status: 0,
        latencyMs: 0,
        attempt: 1,
        errorClass: "queue_full",
      });
      throw new ProviderRateLimitedError(
        fullQueueRetryAfterSeconds,
        `${call.operation}: too many calls of this connection to ${call.provider} at once.`,
      );
    }
    if (error instanceof TransientProviderError || error instanceof TaskCancelledError) {
      throw new ProviderOutageError(breakerOpenMilliseconds() / 1000, `${call.operation}: the provider is failing.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A JSON request with a bearer token, the shape every Google API call takes (a body makes it JSON too). */
export function bearerJsonRequest(
  url: string,
  token: string,
  signal: AbortSignal,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  return fetch(url, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal,
  });
}
