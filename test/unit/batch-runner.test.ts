import { type BatchEntry, runBatch } from "@crm/core/batch";
import { NotFoundError, ValidationError } from "@crm/core/platform";
import { describe, expect, it } from "vitest";

type Input = { name: string; keys?: string[]; id?: string };

const valid = (input: Input): BatchEntry<Input> => ({ valid: true, input });
// Entries that take different times to write: the order they finish in is what these tests vary.
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe("running a batch", () => {
  it("runs at most 8 entries at a time and answers in the order given, whatever finishes first", async () => {
    let running = 0;
    let mostAtOnce = 0;
    const entries = Array.from({ length: 30 }, (_, index) => valid({ name: `entry ${index}` }));

    const outcomes = await runBatch(entries, {
      write: async (input) => {
        mostAtOnce = Math.max(mostAtOnce, ++running);
        await pause(30 - Number(input.name.split(" ")[1]));
        running--;
        return input.name;
      },
    });

    expect(mostAtOnce).toBe(8);
    expect(outcomes.map((outcome) => outcome.ok && outcome.value)).toEqual(entries.map((_, index) => `entry ${index}`));
    expect(outcomes.map((outcome) => outcome.index)).toEqual(entries.map((_, index) => index));
  });

  it("runs entries that share a contention key, even through another entry, one after another in the order given", async () => {
    const events: string[] = [];
    const entries = [
      valid({ name: "a", keys: ["email:x"] }),
      valid({ name: "b", keys: ["email:x", "company:c"] }),
      valid({ name: "c", keys: ["company:c"] }),
      valid({ name: "free" }),
    ];

    await runBatch(entries, {
      write: async ({ name }) => {
        events.push(`start ${name}`);
        await pause(name === "a" ? 20 : 5);
        events.push(`end ${name}`);
      },
      contentionKeys: (input) => input.keys ?? [],
    });

    const chained = events.filter((event) => !event.endsWith("free"));
    expect(chained).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(events.indexOf("end free")).toBeLessThan(events.indexOf("end a"));
  });

  it("reports an invalid entry, a record named twice and every failure as that entry's outcome alone", async () => {
    const outage = new Error("the table is on fire");
    const outcomes = await runBatch(
      [
        valid({ name: "fine", id: "r1" }),
        { valid: false, issues: [{ code: "custom", path: ["emails", 0], message: "Invalid email", input: "x" }] },
        valid({ name: "again", id: "r1" }),
        valid({ name: "invalid for the service", id: "r2" }),
        valid({ name: "missing", id: "r3" }),
        valid({ name: "outage", id: "r4" }),
      ],
      {
        write: async ({ name, id }) => {
          if (name.startsWith("invalid")) throw new ValidationError([{ path: "body.ownerId", message: "No." }]);
          if (name === "missing") throw new NotFoundError("contact", String(id));
          if (name === "outage") throw outage;
          return name;
        },
        inputField: "changes",
        uniqueBy: "id",
      },
    );

    expect(outcomes[0]).toEqual({ index: 0, ok: true, value: "fine" });
    const issuesOf = (index: number) => {
      const outcome = outcomes[index];
      return outcome && !outcome.ok && outcome.error instanceof ValidationError ? outcome.error.issues : null;
    };
    expect(issuesOf(1)).toEqual([{ path: "body.items.1.emails.0", message: "Invalid email" }]);
    expect(issuesOf(2)).toEqual([{ path: "body.items.2.id", message: expect.stringContaining("items.0") }]);
    expect(issuesOf(3)).toEqual([{ path: "body.items.3.changes.ownerId", message: "No." }]);
    expect(outcomes[4]).toMatchObject({ ok: false, error: expect.any(NotFoundError) });
    expect(outcomes[5]).toEqual({ index: 5, ok: false, error: outage });
  });
});
