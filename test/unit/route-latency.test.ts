import { metricNames } from "@crm/core/declarations";
import {
  type EmfRecord,
  emfRecordsOf,
  formatRouteLatencies,
  percentile,
  routeLatencySummaries,
} from "@crm/local/metrics";
import { describe, expect, it } from "vitest";

/** An EMF record of one answered request, as the functions write it. */
function aRouteRecord(route: string, latency: number, status = 200, timestamp = 1_000): EmfRecord {
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        { Namespace: "CRM/local", Dimensions: [["service", "route"], ["service"]], Metrics: [{ Name: "Latency" }] },
      ],
    },
    service: "crm-api",
    route,
    [metricNames.latency]: latency,
    [metricNames.status2xx]: status < 400 ? 1 : 0,
    [metricNames.status4xx]: status >= 400 && status < 500 ? 1 : 0,
    [metricNames.status5xx]: status >= 500 ? 1 : 0,
  };
}

describe("npm run metrics", () => {
  it("takes percentiles by the nearest rank", () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);

    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarises each route's count, p50, p95, p99 and error rates, routes in order", () => {
    const records = [
      ...Array.from({ length: 20 }, (_, index) => aRouteRecord("contacts.list", (index + 1) * 10)),
      aRouteRecord("contacts.create", 30, 201),
      aRouteRecord("contacts.create", 10, 400),
      aRouteRecord("contacts.create", 20, 500),
      aRouteRecord("contacts.create", 40, 201),
    ];

    const [create, list] = routeLatencySummaries(records);

    expect(list).toEqual({
      route: "contacts.list",
      count: 20,
      p50: 100,
      p95: 190,
      p99: 200,
      clientErrorRate: 0,
      errorRate: 0,
    });
    expect(create).toEqual({
      route: "contacts.create",
      count: 4,
      p50: 20,
      p95: 40,
      p99: 40,
      clientErrorRate: 0.25,
      errorRate: 0.25,
    });
  });

  it("leaves out records that are not a route's, and those before the window", () => {
    const coldStart = { ...aRouteRecord("x", 1), route: undefined, function_name: "contacts.list", ColdStart: 1 };
    const job = { ...aRouteRecord("x", 1), route: undefined, function: "webhook-retries", [metricNames.latency]: 5 };

    const summaries = routeLatencySummaries(
      [coldStart, job, aRouteRecord("deals.get", 5, 200, 1_000), aRouteRecord("deals.get", 9, 200, 5_000)],
      2_000,
    );

    expect(summaries).toEqual([expect.objectContaining({ route: "deals.get", count: 1, p50: 9 })]);
  });

  it("reads the records of a metrics file, skipping a line still being written", () => {
    const text = `${JSON.stringify(aRouteRecord("deals.get", 5))}\nnot json\n\n{"_aws":{"Timest`;

    expect(emfRecordsOf(text)).toHaveLength(1);
  });

  it("prints one line per route under a header", () => {
    const table = formatRouteLatencies(routeLatencySummaries([aRouteRecord("deals.get", 12, 503)]));

    expect(table.split("\n")).toEqual([
      expect.stringMatching(/^route\s+count\s+p50 ms\s+p95 ms\s+p99 ms\s+4xx\s+5xx$/),
      expect.stringMatching(/^deals\.get\s+1\s+12\s+12\s+12\s+0\.0 %\s+100\.0 %$/),
    ]);
  });
});
