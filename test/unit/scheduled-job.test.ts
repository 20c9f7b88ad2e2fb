import { scheduledJob } from "@crm/functions/platform";
import { lambdaContext } from "@crm/local/gateway";
import { describe, expect, it, vi } from "vitest";
import { logsOf } from "../support/logs";

// Before the factory's logger loads: it reads the level once, at cold start.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "INFO";
});

const schedulerEvent = { source: "aws.scheduler" };

describe("a scheduled job", () => {
  it("returns its summary and logs it at INFO with the job's name and the Lambda context", async () => {
    const handler = scheduledJob("webhookRetries", async (context) => ({
      due: 2,
      attempted: context.getRemainingTimeInMillis() > 0 ? 2 : 0,
    }));

    let summary: unknown;
    const logs = await logsOf(async () => {
      summary = await handler(schedulerEvent, lambdaContext("job-webhookRetries"));
    });

    expect(summary).toEqual({ due: 2, attempted: 2 });
    expect(logs).toEqual([
      expect.objectContaining({
        level: "INFO",
        message: "job ran",
        job: "webhookRetries",
        function_name: "job-webhookRetries",
        due: 2,
        attempted: 2,
      }),
    ]);
  });

  it("that fails logs the error at ERROR and throws it, so the invocation is retried", async () => {
    const outage = new Error("Simulated failure: the table is on fire");
    const handler = scheduledJob("automationDelays", async () => {
      throw outage;
    });

    let outcome: unknown;
    const logs = await logsOf(async () => {
      outcome = await handler(schedulerEvent, lambdaContext("job-automationDelays")).catch((error: unknown) => error);
    });

    expect(outcome).toBe(outage);
    const failure = logs.find((entry) => entry.level === "ERROR");
    expect(failure).toMatchObject({ job: "automationDelays", function_name: "job-automationDelays" });
    expect(JSON.stringify(failure?.error)).toContain("the table is on fire");
    expect(logs.find((entry) => entry.message === "job ran")).toBeUndefined();
  });
});
