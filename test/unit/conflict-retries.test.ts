import { ConcurrentModificationError, conflictRetriesConfig, PreconditionFailedError } from "@crm/core/platform";
import { backoffDelay, retryingConflicts } from "@crm/core/transactions";
import { afterEach, describe, expect, it, vi } from "vitest";

const lostRace = () => new ConcurrentModificationError("contact", "con_1");

describe("retrying a read-check-write that lost a race", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the step again until it wins, and answers with what it returned", async () => {
    const step = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(lostRace())
      .mockRejectedValueOnce(lostRace())
      .mockResolvedValue("written");

    expect(await retryingConflicts(step)).toBe("written");
    expect(step).toHaveBeenCalledTimes(3);
  });

  it("passes any other error, such as a failed If-Match on the fresh read, straight through", async () => {
    const step = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(lostRace())
      .mockRejectedValue(new PreconditionFailedError("contact", "con_1", '"3"'));

    await expect(retryingConflicts(step)).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(step).toHaveBeenCalledTimes(2);
  });

  it("gives up with the conflict once its time budget is spent, not before", async () => {
    vi.useFakeTimers();
    const budget = conflictRetriesConfig().budgetMilliseconds;
    const startedAt = Date.now();
    let lastAttemptAt = startedAt;
    const step = vi.fn(async () => {
      lastAttemptAt = Date.now();
      throw lostRace();
    });

    const outcome = expect(retryingConflicts(step)).rejects.toBeInstanceOf(ConcurrentModificationError);
    await vi.runAllTimersAsync();
    await outcome;

    expect(lastAttemptAt - startedAt).toBeLessThanOrEqual(budget);
    // Pauses are at most 400 ms, so the last attempt came within one pause of the deadline.
    expect(lastAttemptAt - startedAt).toBeGreaterThan(budget - 400);
  });

  it("pauses a random time below a ceiling that doubles with each attempt, up to a cap", () => {
    const pauses = (attempt: number) => Array.from({ length: 2_000 }, () => backoffDelay(attempt));
    const ceilings = [40, 80, 160, 320, 400, 400];
    const longest = [1, 2, 3, 4, 5, 10].map((attempt) => Math.max(...pauses(attempt)));
    expect(longest.every((pause, index) => pause <= (ceilings[index] ?? 0))).toBe(true);
    expect(longest.at(0)).toBeGreaterThan(30);
    expect(longest.at(-1)).toBeGreaterThan(350);
    expect(Math.min(...pauses(10))).toBeLessThan(50);
  });
});
