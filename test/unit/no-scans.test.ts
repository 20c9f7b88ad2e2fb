import { tableEntities } from "@crm/core/composition";
import { describe, expect, it } from "vitest";

describe("the tests' database client", () => {
  it("refuses a Scan, so a list or search that fell back to scanning would fail its tests", async () => {
    await expect(tableEntities.contact.scan.go()).rejects.toThrow(/every read must be a GetItem or a Query/);
  });
});
