import { metricNames } from "@crm/core/declarations";

/** One EMF record as the functions write it: `_aws` with the metric definitions, then dimensions, metrics, metadata. */
export type EmfRecord = {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[];
  };
  [key: string]: unknown;
};

/** What `npm run metrics` prints for one route. */
export type RouteLatencySummary = {
  route: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** Shares of the route's answers that were 4xx and 5xx (0 to 1); the 5xx share is the error rate. */
  clientErrorRate: number;
  errorRate: number;
};

/** The EMF records among the lines of a metrics file; anything else on a line (a partial last line) is skipped. */
export function emfRecordsOf(text: string): EmfRecord[] {
  const records: EmfRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof (parsed as EmfRecord)?._aws?.Timestamp === "number") records.push(parsed as EmfRecord);
    } catch {
      // a line still being written, or not a record: not a measurement
    }
  }
  return records;
}

/**
 * The `p`th percentile (0 < p ≤ 100) of ascending `sorted` values by the nearest-rank method: the smallest value
 * with at least p % of the values at or below it. NaN for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** A metric's values in a record: EMF allows one number or an array of them. */
const valuesOf = (value: unknown): number[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is number => typeof item === "number");

/**
 * Per route (the records with a `route` dimension and a latency), the request count, latency percentiles and the
 * shares of 4xx and 5xx answers, sorted by route. Records before `since` (epoch milliseconds) are left out.
 */
export function routeLatencySummaries(records: readonly EmfRecord[], since = 0): RouteLatencySummary[] {
  const byRoute = new Map<string, { latencies: number[]; clientErrors: number; serverErrors: number }>();
  for (const record of records) {
    if (typeof record.route !== "string" || record._aws.Timestamp < since) continue;
    const latencies = valuesOf(record[metricNames.latency]);
    if (latencies.length === 0) continue;
    const tally = byRoute.get(record.route) ?? { latencies: [], clientErrors: 0, serverErrors: 0 };
    tally.latencies.push(...latencies);
    tally.clientErrors += valuesOf(record[metricNames.status4xx]).reduce((sum, value) => sum + value, 0);
    tally.serverErrors += valuesOf(record[metricNames.status5xx]).reduce((sum, value) => sum + value, 0);
    byRoute.set(record.route, tally);
  }
  return [...byRoute.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, { latencies, clientErrors, serverErrors }]) => {
      const sorted = latencies.sort((a, b) => a - b);
      return {
        route,
        count: sorted.length,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        clientErrorRate: clientErrors / sorted.length,
        errorRate: serverErrors / sorted.length,
      };
    });
}

/** The summaries as a fixed-width table, one route a line. */
export function formatRouteLatencies(summaries: readonly RouteLatencySummary[]): string {
  const width = Math.max(5, ...summaries.map((summary) => summary.route.length));
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`.padStart(8);
  const header = `${"route".padEnd(width)}  ${"count".padStart(7)}  ${"p50 ms".padStart(7)}  ${"p95 ms".padStart(7)}  ${"p99 ms".padStart(7)}  ${"4xx".padStart(8)}  ${"5xx".padStart(8)}`;
  const lines = summaries.map(
    (summary) =>
      `${summary.route.padEnd(width)}  ${String(summary.count).padStart(7)}  ${String(summary.p50).padStart(7)}  ` +
      `${String(summary.p95).padStart(7)}  ${String(summary.p99).padStart(7)}  ${percent(summary.clientErrorRate)}  ` +
      `${percent(summary.errorRate)}`,
  );
  return [header, ...lines].join("\n");
}
