import {
  alarmThresholds,
  busDeadLettersQueueName,
  domainEventFailuresQueueName,
  metricNames,
  metricsNamespaceOf,
  metricsService,
} from "@crm/core/declarations";
import { beforeAll, describe, expect, it } from "vitest";
import { installSstStandIns, recording } from "./sst-stand-ins";

installSstStandIns("production");

type AppConfig = { run: () => Promise<Record<string, unknown>> };

describe("the alarms (stacks/alarms.ts)", () => {
  const alarm = (name: string) => {
    const found = recording.components.find(
      (component) => component.component === "aws.cloudwatch.MetricAlarm" && component.name === name,
    );
    if (!found) throw new Error(`No alarm named ${name}.`);
    return found.args;
  };

  beforeAll(async () => {
    await ((await import("../../sst.config")).default as unknown as AppConfig).run();
  });

  it("fire when more than the declared share of the HTTP API's answers are 5xx, counted by API Gateway", () => {
    const { metricQueries, ...args } = alarm("ApiServerErrorRate");

    expect(args).toMatchObject({
      comparisonOperator: "GreaterThanThreshold",
      threshold: alarmThresholds.serverErrorRate.threshold,
      evaluationPeriods: alarmThresholds.serverErrorRate.evaluationPeriods,
      treatMissingData: "notBreaching",
    });
    const queries = metricQueries as { id: string; expression?: string; metric?: Record<string, unknown> }[];
    expect(queries.find((query) => query.expression)?.expression).toBe("IF(requests > 0, errors / requests, 0)");
    for (const [id, metricName] of [
      ["errors", "5xx"],
      ["requests", "Count"],
    ]) {
      expect(queries.find((query) => query.id === id)?.metric).toEqual({
        namespace: "AWS/ApiGateway",
        metricName,
        dimensions: { ApiId: "<Api.apiId>" },
        period: alarmThresholds.serverErrorRate.periodSeconds,
        stat: "Sum",
      });
    }
  });

  it("fire when the p99 of every route's latency, from the functions' metrics of the stage, is above the declared bound", () => {
    expect(alarm("ApiLatencyP99")).toMatchObject({
      namespace: metricsNamespaceOf("production"),
      metricName: metricNames.latency,
      dimensions: { service: metricsService },
      extendedStatistic: "p99",
      period: alarmThresholds.p99LatencyMs.periodSeconds,
      comparisonOperator: "GreaterThanThreshold",
      threshold: alarmThresholds.p99LatencyMs.threshold,
      evaluateLowSampleCountPercentiles: "ignore",
    });
  });

  it("fire as soon as a message waits in either dead-letter queue", () => {
    for (const queue of [busDeadLettersQueueName, domainEventFailuresQueueName]) {
      expect(recording.components).toContainEqual(expect.objectContaining({ component: "sst.aws.Queue", name: queue }));
      expect(alarm(`${queue}Waiting`)).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: `<${queue}.queueName>` },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 1,
      });
    }
  });

  it("each notify the alarms topic when they fire and when they are back to normal", () => {
    const topic = recording.components.find((component) => component.component === "sst.aws.SnsTopic");
    expect(topic?.name).toBe("Alarms");
    const alarms = recording.components.filter((component) => component.component === "aws.cloudwatch.MetricAlarm");
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const { name, args } of alarms) {
      expect(args.alarmActions, name).toEqual(["<Alarms.arn>"]);
      expect(args.okActions, name).toEqual(["<Alarms.arn>"]);
    }
    // No address given at deploy: nobody is subscribed by email.
    expect(recording.components.some((component) => component.component === "aws.sns.TopicSubscription")).toBe(false);
  });
});
