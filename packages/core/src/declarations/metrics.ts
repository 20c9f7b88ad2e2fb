/**
 * The metrics the functions emit (CloudWatch embedded metric format) and the alarms `stacks/` sets on them, declared
 * once: the functions' platform writes these names, `stacks/` alarms on them, `npm run metrics` reads them. Free of
 * runtime dependencies: SST's config loader imports it.
 */

/** The `service` dimension of every metric (and the logs' service name). */
export const metricsService = "crm-api";

/** A stage's metrics namespace, so two stages in one account never mix their numbers. */
export function metricsNamespaceOf(stage: string): string {
  return `CRM/${stage}`;
}

/**
 * Dimensions are few and of small cardinality: each distinct set of values is a CloudWatch metric of its own.
 * Organisation, request, webhook and connection ids go in a record's metadata (searchable in the logs), never here.
 */
export const metricDimensions = {
  service: "service",
  /** An HTTP route's id from the route table (`contacts.create`). */
  route: "route",
  /** The Lambda function's name, for the invocations that are not HTTP routes. */
  function: "function",
  /** What an external call went to: `webhook`, or a provider id (`google-gmail`, `quickbooks`). */
  target: "target",
  /** How an external call ended (see ExternalCallOutcome). */
  outcome: "outcome",
} as const;

export const metricNames = {
  /** An HTTP route's time from the start of its invocation to its answer, in milliseconds. */
  latency: "Latency",
  /**
   * 1 for each answer of the class, 0 for the others, as API Gateway's own 4xx and 5xx: the Sum counts the answers
   * of a class, the Average is their share.
   */
  status2xx: "Status2xx",
  status4xx: "Status4xx",
  status5xx: "Status5xx",
  /** DynamoDB requests an invocation sent, and the capacity units they consumed. */
  dynamodbCalls: "DynamoDBCalls",
  dynamodbConsumedCapacity: "DynamoDBConsumedCapacity",
  /** The process's resident set size at the end of an invocation, in megabytes. */
  memoryUsed: "MemoryUsed",
  /** An external call (an outgoing webhook, a provider's API): 1 per call, and its time in milliseconds. */
  externalCalls: "ExternalCalls",
  externalCallLatency: "ExternalCallLatency",
  /** Powertools' own metric, once per container (dimension `function_name`). */
  coldStart: "ColdStart",
} as const;

/** Container caches (see ContainerCache) count their hits and misses under these names. */
export function cacheMetricNames(cache: string): { hits: string; misses: string } {
  return { hits: `${cache}CacheHits`, misses: `${cache}CacheMisses` };
}

/**
 * The alarms on a stage, and when they fire. Latency and the error rate are judged over five minutes, twice out of
 * three periods, so one slow deploy or a single burst of failures does not page anyone; a dead letter fires at once.
 */
export const alarmThresholds = {
  /** The HTTP API's share of 5xx answers (API Gateway's own metric, so crashes and timeouts count). */
  serverErrorRate: { threshold: 0.01, periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 },
  /** The 99th percentile of every route's latency together, in milliseconds. */
  p99LatencyMs: { threshold: 1_500, periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 2 },
  /** Messages waiting in a dead-letter queue: any is an event or stream record that was given up on. */
  deadLetters: { threshold: 0, periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
} as const;
