import { rateMilliseconds, startLocalScheduler } from "@crm/local/events";
import { describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";

describe("the local scheduler", () => {
  it("reads EventBridge Scheduler rate expressions", () => {
    expect(rateMilliseconds("rate(1 minute)")).toBe(60_000);
    expect(rateMilliseconds("rate(5 minutes)")).toBe(300_000);
    expect(rateMilliseconds("rate(2 hours)")).toBe(7_200_000);
    expect(() => rateMilliseconds("cron(0 9 * * ? *)")).toThrow(/Only rate/);
  });

  it("runs each job on its rate, never two runs of one job at once", async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const scheduler = startLocalScheduler({
      schedules: { job: { handler: "job", schedule: "rate(1 minute)", description: "test" } },
      speedUp: 60_000 / 20, // every 20 ms
      loadHandler: async () => async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        runs++;
        // Each run outlasts the 20 ms rate (time is the subject here): a scheduler that overlapped runs would show it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        concurrent--;
      },
    });
    await eventually(() => expect(runs).toBeGreaterThanOrEqual(3));
    await scheduler.stop();
    expect(maxConcurrent).toBe(1);
  });
});
