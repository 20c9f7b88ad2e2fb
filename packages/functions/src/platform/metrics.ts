import { AsyncLocalStorage } from "node:async_hooks";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { MetricsOptions } from "@aws-lambda-powertools/metrics/types";
// The metric declarations alone, not the declarations' index: that would bring the route table into every bundle.
import { metricDimensions, metricNames } from "@crm/core/metrics";
import { type ExternalCall, type MetricsSink, metricsConfig, useMetricsSink } from "@crm/core/platform";
import type middy from "@middy/core";
import { executionModeStandard } from "@middy/core/executionModeStandard";
import type { Context } from "aws-lambda";
import { logger } from "./logger";

/**
 * Powertools' Metrics (CloudWatch embedded metric format: JSON lines that CloudWatch Logs turns into metrics, with
 * percentiles, and no agent or API call), writing each record to `write` when one is given, a local file, instead of
 * standard output. The cold-start metric is a single metric of its own, so it goes the same way.
 */
class EmfMetrics extends Metrics {
  readonly #options: MetricsOptions;
  readonly #write: ((line: string) => void) | undefined;

  constructor(options: MetricsOptions, write?: (line: string) => void) {
    super(options);
    this.#options = options;
    this.#write = write;
  }

  override publishStoredMetrics(): this {
    if (!this.#write) return super.publishStoredMetrics();
    try {
      if (!this.isDisabled() && this.hasStoredMetrics()) this.#write(JSON.stringify(this.serializeMetrics()));
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }

  override singleMetric(): Metrics {
    return new EmfMetrics({ ...this.#options, singleMetric: true }, this.#write);
  }
}

let instance: EmfMetrics | undefined;

/**
 * The container's one metrics instance (namespace, service and file from the configuration), made at the first
 * invocation rather than at import: SST reads its links once, on first use, and a module that only imports this one
 * must not fix them before the process has set them (as the tests and the local cloud do). It is only ever touched
 * synchronously, one whole record at a time (see flush), so invocations that overlap in one process, as in the local
 * cloud, cannot mix their dimensions or values.
 */
function containerMetrics(): EmfMetrics {
  if (instance) return instance;
  const config = metricsConfig();
  const file = config.file;
  const writeToFile = file ? (line: string) => appendFileSync(file, `${line}\n`) : undefined;
  instance = new EmfMetrics({ namespace: config.namespace, serviceName: config.service, logger }, writeToFile);
  return instance;
}

/** What one invocation has measured so far; kept per invocation (AsyncLocalStorage) and emitted at its end. */
type InvocationMeasures = {
  started: number;
  counts: Map<string, number>;
  /** Set by routeMetrics: the invocation answers an HTTP route, so it has a latency and a status class. */
  route?: string;
  /** High-cardinality values worth finding the record by: metadata, never dimensions. */
  metadata: Record<string, string | number>;
};

const invocations = new AsyncLocalStorage<InvocationMeasures>();

/** The running invocation's measures, for the route middleware; undefined outside an invocation. */
export function currentInvocation(): InvocationMeasures | undefined {
  return invocations.getStore();
}

function addMetadata(values: Record<string, string | number | undefined>): void {
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) containerMetrics().addMetadata(key, String(value));
}

/** An external call is its own record: dimensions target, and target with outcome; the ids as metadata. */
function emitExternalCall(call: ExternalCall): void {
  containerMetrics().addDimension(metricDimensions.target, call.target);
  containerMetrics().addDimensions({
    [metricDimensions.target]: call.target,
    [metricDimensions.outcome]: call.outcome,
  });
  containerMetrics().addMetric(metricNames.externalCalls, MetricUnit.Count, 1);
  containerMetrics().addMetric(
    metricNames.externalCallLatency,
    MetricUnit.Milliseconds,
    Math.max(0, Math.round(call.latencyMs)),
  );
  addMetadata({ ...invocations.getStore()?.metadata, ...call.details });
  containerMetrics().publishStoredMetrics();
}

/** Where core's measurements go: counts into the running invocation, external calls out at once. */
const sink: MetricsSink = {
  count(name, value) {
    const measures = invocations.getStore();
    if (measures) measures.counts.set(name, (measures.counts.get(name) ?? 0) + value);
  },
  externalCall(call) {
    try {
      emitExternalCall(call);
    } catch (error) {
      logger.warn("external call metric not emitted", { error: error as Error });
    }
  },
};
useMetricsSink(sink);

/** 2xx, 4xx or 5xx as the three 0-or-1 status metrics (see metricNames.status2xx). */
function addStatusClass(status: number): void {
  containerMetrics().addMetric(metricNames.status2xx, MetricUnit.Count, status < 400 ? 1 : 0);
  containerMetrics().addMetric(metricNames.status4xx, MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
  containerMetrics().addMetric(metricNames.status5xx, MetricUnit.Count, status >= 500 ? 1 : 0);
}

/**
 * The invocation's one record. A route's is dimensioned by route and also by service alone, so the API as a whole
 * has its percentiles (CloudWatch cannot combine percentiles across dimensions afterwards); any other invocation's
 * by function name.
 */
function flush(measures: InvocationMeasures, context: Context, answer: { status: number } | null): void {
  if (measures.route) {
    containerMetrics().addDimension(metricDimensions.route, measures.route);
    containerMetrics().addDimensions({});
    containerMetrics().addMetric(
      metricNames.latency,
      MetricUnit.Milliseconds,
      Math.round(performance.now() - measures.started),
    );
    addStatusClass(answer?.status ?? 500);
  } else {
    containerMetrics().addDimension(
      metricDimensions.function,
      (context as Context | undefined)?.functionName || "unknown",
    );
  }
  containerMetrics().addMetric(
    metricNames.dynamodbCalls,
    MetricUnit.Count,
    measures.counts.get(metricNames.dynamodbCalls) ?? 0,
  );
  for (const [name, value] of measures.counts) {
    if (name !== metricNames.dynamodbCalls) containerMetrics().addMetric(name, MetricUnit.Count, value);
  }
  containerMetrics().addMetric(
    metricNames.memoryUsed,
    MetricUnit.Megabytes,
    Math.round(process.memoryUsage.rss() / 1048576),
  );
  addMetadata({ ...measures.metadata, awsRequestId: (context as Context | undefined)?.awsRequestId });
  containerMetrics().publishStoredMetrics();
}

/** A route's answer's status (API Gateway takes a result without one as 200); a thrown error is API Gateway's 500. */
function statusOf(result: unknown): number {
  const status = (result as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : 200;
}

type Invoke = ((event: unknown, context: Context) => Promise<unknown>) & {
  handler: (replacement: unknown) => unknown;
};

/**
 * A middy execution mode: middy's standard one, run inside the invocation's measures, then flushed once, however it
 * ended (an answer, an early response of a middleware, a thrown error). The cold start is Powertools' own metric.
 */
export const measuredExecution = ((...standardArguments: unknown[]) => {
  const standard = (executionModeStandard as unknown as (...args: unknown[]) => Invoke)(...standardArguments);
  const measured = (async (event: unknown, context: Context) => {
    const measures: InvocationMeasures = { started: performance.now(), counts: new Map(), metadata: {} };
    let answer: { status: number } | null = null;
    try {
      // A handler called directly, as a test or the local scheduler may, has no Lambda context.
      containerMetrics().captureColdStartMetric((context as Context | undefined)?.functionName);
      const result = await invocations.run(measures, () => standard(event, context));
      answer = { status: statusOf(result) };
      return result;
    } finally {
      try {
        flush(measures, context, answer);
      } catch (error) {
        logger.warn("invocation metrics not emitted", { error: error as Error });
      }
    }
  }) as Invoke;
  measured.handler = (replacement) => {
    standard.handler(replacement);
    return measured;
  };
  return measured;
}) as unknown as NonNullable<middy.PluginObject["executionMode"]>;
