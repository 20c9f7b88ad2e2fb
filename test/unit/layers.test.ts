import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/** A module's folder; route declarations count as `declarations/`, where they belong (see layerOf). */
const folderOf = (file: string) => (file.endsWith(".routes.ts") ? "declarations" : dirname(file));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(coreSource, path)] : [];
  });
}

/** The file a relative import resolves to: `<path>.ts`, or the folder's `index.ts`. */
const moduleFile = (path: string) =>
  existsSync(join(coreSource, `${path}.ts`)) ? `${path}.ts` : join(path, "index.ts");

/** Every import of every core module: relative ones resolved to a file under src, packages by name. */
const imports = sourceFiles(coreSource).flatMap((file) =>
  [...readFileSync(join(coreSource, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(
    ([, specifier = ""]) => ({
      file,
      specifier,
      target: specifier.startsWith(".") ? moduleFile(normalize(join(dirname(file), specifier))) : null,
    }),
  ),
);

/**
 * The import cycles between folders, each as the imports that join its folders: the strongly connected groups of
 * the folder graph (Tarjan's algorithm).
 */
function folderCycles(): string[][] {
  // Each folder's imported folders, with the first import that reaches each of them.
  const edges = new Map<string, Map<string, string>>();
  for (const { file, specifier, target } of imports) {
    const [from, to] = [folderOf(file), target === null ? null : folderOf(target)];
    if (to === null || from === to) continue;
    const reached = edges.get(from) ?? new Map<string, string>();
    if (!reached.has(to)) reached.set(to, `${file} imports ${specifier}`);
    edges.set(from, reached);
  }
  const visitOrder = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  // Returns the earliest visited folder still on the stack that `folder` reaches; a folder that reaches none before
  // itself closes a group: everything above it on the stack.
  const visit = (folder: string): number => {
    const order = visitOrder.size;
    visitOrder.set(folder, order);
    stack.push(folder);
    let earliest = order;
    for (const next of edges.get(folder)?.keys() ?? []) {
      const seen = visitOrder.get(next);
      if (seen === undefined) earliest = Math.min(earliest, visit(next));
      else if (stack.includes(next)) earliest = Math.min(earliest, seen);
    }
    if (earliest === order) {
      const group = stack.splice(stack.indexOf(folder));
      if (group.length > 1) {
        cycles.push(
          group.flatMap((from) =>
            [...(edges.get(from) ?? [])].filter(([to]) => group.includes(to)).map(([, example]) => example),
          ),
        );
      }
    }
    return earliest;
  };
  for (const folder of edges.keys()) if (!visitOrder.has(folder)) visit(folder);
  return cycles;
}

describe("packages/core's layers", () => {
  it("only ever point down: no module imports one of a higher layer (platform knows no domain)", () => {
    const upward = imports
      .flatMap(({ target, ...rest }) => (target === null ? [] : [{ ...rest, target }]))
      .filter(({ file, target }) => layers.indexOf(layerOf(target)) > layers.indexOf(layerOf(file)))
      .map(({ file, specifier }) => `${file} imports ${specifier}`);
    expect(upward).toEqual([]);
  });

  it("keep declarations free of dependencies, so SST's config loader can import them", () => {
    const dependencies = imports
      .filter(({ file }) => layerOf(file) === "declarations")
      .filter(({ target }) => target === null || layerOf(target) !== "declarations")
      .map(({ file, specifier }) => `${file} imports ${specifier}`);
    expect(dependencies).toEqual([]);
  });

  it("join no folders in a cycle: a lower aggregate takes what it needs of a higher one as a parameter or registry", () => {
    expect(folderCycles()).toEqual([]);
  });
});

describe("packages/core's transactions", () => {
  it("are change sets: no module but the change set runs one or reads its cancellation reasons", () => {
    const elsewhere = sourceFiles(coreSource)
      .filter((file) => file !== "platform/change-set.ts" && file !== "platform/transactions.ts")
      .filter((file) => /\bwriteTransaction\b|CancellationReason/.test(readFileSync(join(coreSource, file), "utf8")));
    expect(elsewhere).toEqual([]);
  });
});
