import { z } from "zod";
import { metricsNamespaceOf, metricsService } from "../../declarations/metrics";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const metricsConfigSchema = z.object({
  /** The stage's CloudWatch namespace, from the app's stage (`Resource.App`, which SST gives every function). */
  namespace: z.string(linkedFrom("App")).min(1).transform(metricsNamespaceOf),
  service: z.literal(metricsService),
  /**
   * Local only: append the EMF records to this file instead of writing them to standard output, where CloudWatch
   * Logs would extract them in AWS (`METRICS_FILE`; the local cloud points it at `.data/metrics.ndjson`).
   */
  file: z.string().min(1).optional(),
});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

/** The metrics configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readMetricsConfig(source: ConfigSource): MetricsConfig {
  return parseConfig("metrics", metricsConfigSchema, {
    namespace: source.linked("App")?.stage,
    service: metricsService,
    file: source.variable("METRICS_FILE"),
  });
}

/**
 * The metrics configuration, parsed once. Every function emits metrics and SST links every function to its app, so
 * the functions' metrics read it at module scope: a broken one fails the cold start.
 */
export const metricsConfig = once(() => readMetricsConfig(runtimeConfigSource));
