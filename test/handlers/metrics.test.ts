import { readFileSync } from "node:fs";
import { metricNames, metricsNamespaceOf, metricsService } from "@crm/core/declarations";
import { type EmfRecord, emfRecordsOf } from "@crm/local/metrics";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

// Before the handler modules load, which read the metrics configuration once: this file's own metrics file, in the
// run's temporary directory, so its cold start is this module graph's (one "container") and no other file's.
const metricsFile = vi.hoisted(() => {
  const file = (process.env.METRICS_FILE ?? "").replace(/\.ndjson$/, `-handler-metrics-${Date.now()}.ndjson`);
  process.env.METRICS_FILE = file;
  return file;
});

const records = (): EmfRecord[] => emfRecordsOf(readFileSync(metricsFile, "utf8"));
const recordOf = (requestId: string) => records().find((record) => record.requestId === requestId);
const definitionsOf = (record: EmfRecord | undefined) => record?._aws.CloudWatchMetrics[0];

describe("the metrics of an invocation", () => {
  let org: TestOrganisation;
  beforeAll(async () => {
    org = await anOrganisation();
  });

  it("a route's answer emits its latency, its status class and the DynamoDB calls it made, dimensioned by route", async () => {
    const requestId = `metrics-${Date.now()}-created`;
    const created = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "x-request-id": requestId },
      body: { firstName: "Ada", lastName: "Lovelace" },
    });
    expect(created.status).toBe(201);

    const record = recordOf(requestId);
    expect(record).toMatchObject({
      service: metricsService,
      route: "contacts.create",
      orgId: org.orgId,
      [metricNames.status2xx]: 1,
      [metricNames.status4xx]: 0,
      [metricNames.status5xx]: 0,
    });
    expect(record?.[metricNames.latency]).toEqual(expect.any(Number));
    // At least the membership read (or its cache hit) and the contact's transaction.
    expect(record?.[metricNames.dynamodbCalls]).toBeGreaterThanOrEqual(1);
    expect(record?.[metricNames.dynamodbConsumedCapacity]).toEqual(expect.any(Number));
    expect(record?.[metricNames.memoryUsed]).toBeGreaterThan(0);
    const definitions = definitionsOf(record);
    expect(definitions?.Namespace).toBe(metricsNamespaceOf("local"));
    // Per route, and for the API as a whole; the organisation and request ids are metadata, not dimensions.
    expect(definitions?.Dimensions).toEqual([["service", "route"], ["service"]]);
  });

  it("a refused request counts as a 4xx of its route, and a cache hit is counted", async () => {
    const requestId = `metrics-${Date.now()}-refused`;
    const refused = await invoke("contacts.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      headers: { "x-request-id": requestId },
      body: { shoeSize: 44 },
    });
    expect(refused.status).toBe(400);

    const record = recordOf(requestId);
    expect(record).toMatchObject({
      route: "contacts.create",
      [metricNames.status2xx]: 0,
      [metricNames.status4xx]: 1,
      [metricNames.status5xx]: 0,
    });
    // The previous request of this organisation's admin read the membership moments ago.
    expect(record?.MembershipCacheHits).toBe(1);
  });

  it("a cold start is counted once per container, by Powertools, for the function that started it", async () => {
    for (let request = 0; request < 3; request++) {
      expect((await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } })).status).toBe(
        200,
      );
    }

    const coldStarts = records().filter((record) => metricNames.coldStart in record);
    expect(coldStarts).toHaveLength(1);
    // The first invocation of this module graph: creating the organisation.
    expect(coldStarts[0]).toMatchObject({ [metricNames.coldStart]: 1, function_name: "orgs.create" });
  });
});
