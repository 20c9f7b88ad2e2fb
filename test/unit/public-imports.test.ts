import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

function testFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the tests", () => {
  it("import packages by their public names (the exports maps), never from packages/*/src by path", () => {
    const reachingIn = testFiles(join(repositoryRoot, "test")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]*packages\/[^"]+)"/g)].map(
        ([, specifier]) => `${relative(repositoryRoot, file)} imports ${specifier}`,
      ),
    );
    expect(reachingIn).toEqual([]);
  });
});
