import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The TypeScript files under a folder, at any depth. */
function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the tests", () => {
  it("import packages by their public names (the exports maps), never from packages/*/src by path", () => {
    const reachingIn = typeScriptFiles(join(repositoryRoot, "test")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]*packages\/[^"]+)"/g)].map(
        ([, specifier]) => `${relative(repositoryRoot, file)} imports ${specifier}`,
      ),
    );
    expect(reachingIn).toEqual([]);
  });
});

describe("the Lambda code", () => {
  it("never imports the API's own client or its generator, which are for callers and tools", () => {
    const importing = ["core", "functions"]
      .flatMap((name) => typeScriptFiles(join(repositoryRoot, "packages", name, "src")))
      .filter((file) => /(?:from|import)\s*\(?\s*"@crm\/(?:client|sdk-gen)\b/.test(readFileSync(file, "utf8")))
      .map((file) => relative(repositoryRoot, file));
    expect(importing).toEqual([]);
  });
});
