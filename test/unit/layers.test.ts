import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const coreSource = fileURLToPath(new URL("../../packages/core/src", import.meta.url));

/**
 * packages/core's layers, lowest first: a module may import from its own layer and the ones below, never above.
 * Route declarations (`*.routes.ts`) live beside their domain but belong to `declarations/`: SST's config loader
 * imports them, so they import nothing but other declarations.
 */
const layers = ["declarations", "platform", "capabilities", "domain", "features", "api", "composition"] as const;
type Layer = (typeof layers)[number];

function layerOf(file: string): Layer {
  if (file.endsWith(".routes.ts")) return "declarations";
  const top = (file.split("/")[0] ?? "").replace(/\.ts$/, "") as Layer;
  if (!layers.includes(top)) throw new Error(`${file} is in no layer: put it under one of ${layers.join(", ")}.`);
  return top;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(coreSource, path)] : [];
  });
}

/** Every import of every core module: relative ones resolved to a file under src, packages by name. */
const imports = sourceFiles(coreSource).flatMap((file) =>
  [...readFileSync(join(coreSource, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(
    ([, specifier = ""]) => ({
      file,
      specifier,
      target: specifier.startsWith(".") ? normalize(join(dirname(file), specifier)) : null,
    }),
  ),
);

describe("packages/core's layers", () => {
  it("only ever point down: no module imports one of a higher layer (platform knows no domain)", () => {
    const upward = imports
      .filter(({ target }) => target !== null)
      .filter(({ file, target }) => layers.indexOf(layerOf(`${target}.ts`)) > layers.indexOf(layerOf(file)))
      .map(({ file, specifier }) => `${file} imports ${specifier}`);
    expect(upward).toEqual([]);
  });

  it("keep declarations free of dependencies, so SST's config loader can import them", () => {
    const dependencies = imports
      .filter(({ file }) => layerOf(file) === "declarations")
      .filter(({ target }) => target === null || layerOf(`${target}.ts`) !== "declarations")
      .map(({ file, specifier }) => `${file} imports ${specifier}`);
    expect(dependencies).toEqual([]);
  });
});
