import { describe, expect, it } from "vitest";
import { db } from "../../packages/core/src/platform/database";

describe("the tests' database client", () => {
  it("refuses a Scan, so a list or search that fell back to scanning would fail its tests", async () => {
    await expect(db().entities.contact.scan.go()).rejects.toThrow(/every read must be a GetItem or a Query/);
  });
});
