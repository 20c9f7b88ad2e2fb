/**
 * Where core's measurements go. Core counts what it does (DynamoDB requests, cache hits) and reports its calls to
 * the outside world through this interface; the functions' platform installs the sink that turns them into
 * CloudWatch metrics, so core knows nothing of Lambda or of how metrics are written. Until a sink is installed
 * (a script, a test of core alone), measurements are dropped.
 */

/** How an external call ended; few values, as it is a metric dimension. */
export type ExternalCallOutcome =
  /** A 2xx answer. */
  | "success"
  /** A 4xx answer other than a rate limit (the caller's mistake, or a refusal). */
  | "client-error"
  /** A 5xx answer, or a 3xx from a webhook endpoint (redirects are not followed). */
  | "server-error"
  /** A 429, or a provider's own way of saying so. */
  | "rate-limited"
  | "timeout"
  /** No answer: DNS, connection refused or reset. */
  | "network"
  /** Not sent: a destination the SSRF guard refuses, a signing secret that did not open, a breaker that is open, a full queue. */
  | "not-sent";

export type ExternalCall = {
  /** What was called, of small cardinality: `webhook`, or a provider id. */
  target: string;
  outcome: ExternalCallOutcome;
  latencyMs: number;
  /** Ids and statuses worth finding the call by (organisation, webhook, operation): kept beside the metric, never as dimensions. */
  details?: Record<string, string | number>;
};

export type MetricsSink = {
  /** Adds `value` to this invocation's count of `name` (summed, emitted once when the invocation ends). */
  count(name: string, value: number): void;
  /** One call to something outside, emitted on its own with its latency and outcome. */
  externalCall(call: ExternalCall): void;
};

const droppingSink: MetricsSink = { count: () => undefined, externalCall: () => undefined };
let installed: MetricsSink = droppingSink;

/** Installs the sink every measurement goes to from now on; without an argument, measurements are dropped again. */
export function useMetricsSink(sink: MetricsSink = droppingSink): void {
  installed = sink;
}

/** Adds to the running invocation's count of `name` (1 unless said otherwise). */
export function countMetric(name: string, value = 1): void {
  installed.count(name, value);
}

/** Reports one call to something outside (a webhook endpoint, a provider's API). */
export function recordExternalCall(call: ExternalCall): void {
  installed.externalCall(call);
}

/** The outcome an HTTP status stands for. */
export function outcomeOfStatus(status: number): ExternalCallOutcome {
  if (status >= 200 && status < 300) return "success";
  if (status === 429) return "rate-limited";
  if (status >= 400 && status < 500) return "client-error";
  return "server-error";
}
