import {
  alarmThresholds,
  busDeadLettersQueueName,
  domainEventFailuresQueueName,
  metricDimensions,
  metricNames,
  metricsNamespaceOf,
  metricsService,
} from "../packages/core/src/declarations";
import { busDeadLetters, domainEventFailures } from "./events";
import { api } from "./http-api";

/**
 * CloudWatch alarms on what must not go unnoticed, with the thresholds declared in packages/core. Each notifies the
 * alarms topic when it fires and when it is back to normal; an incident tool subscribes to the topic per
 * deployment, and `ALARM_EMAIL` at deploy subscribes an address (SNS asks it to confirm first).
 */
export const alarmTopic = new sst.aws.SnsTopic("Alarms");

if (process.env.ALARM_EMAIL) {
  new aws.sns.TopicSubscription("AlarmEmail", {
    topic: alarmTopic.arn,
    protocol: "email",
    endpoint: process.env.ALARM_EMAIL,
  });
}

/** Where every alarm sends its state changes. */
const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

const serverErrors = alarmThresholds.serverErrorRate;
/**
 * The HTTP API's share of 5xx answers, from API Gateway's own counts rather than the functions' metrics: a function
 * that crashes or times out never emits its metrics, but API Gateway still answers (and counts) its 5xx.
 */
export const serverErrorRateAlarm = new aws.cloudwatch.MetricAlarm("ApiServerErrorRate", {
  alarmDescription: `More than ${serverErrors.threshold * 100} % of the HTTP API's answers were 5xx.`,
  ...notify,
  comparisonOperator: "GreaterThanThreshold",
  threshold: serverErrors.threshold,
  evaluationPeriods: serverErrors.evaluationPeriods,
  datapointsToAlarm: serverErrors.datapointsToAlarm,
  treatMissingData: "notBreaching",
  metricQueries: [
    {
      id: "rate",
      expression: "IF(requests > 0, errors / requests, 0)",
      label: "5xx share",
      returnData: true,
    },
    ...(
      [
        ["errors", "5xx"],
        ["requests", "Count"],
      ] as const
    ).map(([id, metricName]) => ({
      id,
      returnData: false,
      metric: {
        namespace: "AWS/ApiGateway",
        metricName,
        dimensions: { ApiId: api.nodes.api.id },
        period: serverErrors.periodSeconds,
        stat: "Sum",
      },
    })),
  ],
});

const latency = alarmThresholds.p99LatencyMs;
/**
 * The 99th percentile of every route's latency, from the functions' own metrics: they are also emitted under the
 * service alone, as percentiles cannot be combined across routes afterwards. Percentiles of too few requests to mean
 * anything (a quiet stage at night) leave the alarm as it is.
 */
export const latencyAlarm = new aws.cloudwatch.MetricAlarm("ApiLatencyP99", {
  alarmDescription: `The API's p99 latency was above ${latency.threshold} ms.`,
  ...notify,
  namespace: metricsNamespaceOf($app.stage),
  metricName: metricNames.latency,
  dimensions: { [metricDimensions.service]: metricsService },
  extendedStatistic: "p99",
  period: latency.periodSeconds,
  comparisonOperator: "GreaterThanThreshold",
  threshold: latency.threshold,
  evaluationPeriods: latency.evaluationPeriods,
  datapointsToAlarm: latency.datapointsToAlarm,
  evaluateLowSampleCountPercentiles: "ignore",
  treatMissingData: "notBreaching",
});

const deadLetters = alarmThresholds.deadLetters;
/** Any message waiting in a dead-letter queue: a bus event or stream record that every retry failed. */
export const deadLetterAlarms = (
  [
    [busDeadLettersQueueName, busDeadLetters],
    [domainEventFailuresQueueName, domainEventFailures],
  ] as const
).map(
  ([name, queue]) =>
    new aws.cloudwatch.MetricAlarm(`${name}Waiting`, {
      alarmDescription: `Messages are waiting in the ${name} queue: inspect and replay them.`,
      ...notify,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue.nodes.queue.name },
      statistic: "Maximum",
      period: deadLetters.periodSeconds,
      comparisonOperator: "GreaterThanThreshold",
      threshold: deadLetters.threshold,
      evaluationPeriods: deadLetters.evaluationPeriods,
      datapointsToAlarm: deadLetters.datapointsToAlarm,
      treatMissingData: "notBreaching",
    }),
);
