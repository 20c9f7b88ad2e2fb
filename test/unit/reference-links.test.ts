import { readFileSync } from "node:fs";
import { openApiDocument } from "@crm/core/api";
import { describe, expect, it } from "vitest";

// Scalar's anchor of a tag's section: its name in lower case, spaces as hyphens ("API keys" → `#tag/api-keys`).
const sections = new Set((openApiDocument().tags ?? []).map((tag) => tag.name.toLowerCase().replaceAll(" ", "-")));
const linkedSections = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/\/docs#tag\/([a-z0-9-]+)/g)].map(([, section]) => section);

describe("links into the API reference", () => {
  it.each(["README.md", "CHANGELOG.md"])("%s links only sections the reference has", (file) => {
    expect(linkedSections(file).length).toBeGreaterThan(5);
    expect(linkedSections(file).filter((section) => !sections.has(section ?? ""))).toEqual([]);
  });

  it("the README's API overview links every row to its section", () => {
    const readme = readFileSync("README.md", "utf8");
    const overview = readme.slice(
      readme.indexOf("## API overview"),
      readme.indexOf("\n## ", readme.indexOf("## API overview") + 3),
    );
    const rows = overview.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(20);
    expect(
      rows.filter((row) => !/\| \[[^\]]+\]\(http:\/\/127\.0\.0\.1:3000\/docs#tag\/[a-z0-9-]+\) \|$/.test(row)),
    ).toEqual([]);
  });
});
