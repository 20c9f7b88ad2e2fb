/**
 * `npm run bundles`: bundles every declared function as SST would for nodejs24.x (see function-bundles.ts) and prints,
 * per function, its minified and gzipped size, how many modules it holds and how many of packages/core's entity and
 * service files are among them; then the biggest bundle, the median, and the core modules every bundle holds.
 *
 * Nothing is written into the repository except under .data/bundles/ (gitignored): each bundle's `.mjs` and its
 * esbuild metafile, for `npx esbuild --analyze`-style digging or https://esbuild.github.io/analyze/.
 *
 * `npm run bundles -- --at <git ref>` measures a commit instead of the working tree (a copy of it in a temporary
 * directory), so others' uncommitted work neither breaks nor skews the figures; `--at HEAD` for the last commit.
 *
 * `npm run bundles -- --cold [runs]` then measures each bundle's cold import time against a bare DynamoDB handler's,
 * in fresh processes (cold-starts.ts; 15 runs unless told).
 *
 * `npm run bundles -- --why <function> <module>` prints the import chain by which that function's bundle pulls in
 * the first module whose path contains `<module>` (e.g. `--why contacts.create deal.entity`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  bundleEveryFunction,
  bundleFileName,
  bundleFunctions,
  committedTree,
  coreEntityFiles,
  coreServiceFiles,
  declarationsOf,
  declaredFunctions,
  type FunctionBundle,
  importChain,
  isCoreModule,
  packageOf,
  repositoryRoot,
} from "./function-bundles";

const usage = "usage: npm run bundles [-- [--at <git ref>] [--cold [runs]] [--why <function> <module path fragment>]]";
const arguments_ = process.argv.slice(2);
const option = (flag: string, count: number) => {
  const at = arguments_.indexOf(flag);
  return at === -1 ? undefined : arguments_.slice(at + 1, at + 1 + count);
};
const ref = option("--at", 1)?.[0];
const why = option("--why", 2);
if (arguments_.includes("--at") && !ref) {
  console.error(usage);
  process.exit(2);
}
const root = ref ? committedTree(ref) : repositoryRoot;
const measured = ref
  ? `${ref} (${execFileSync("git", ["rev-parse", "--short", ref], { encoding: "utf8" }).trim()})`
  : "the working tree";
process.on("exit", () => {
  if (root !== repositoryRoot) rmSync(root, { recursive: true, force: true });
});

if (why) {
  const [name, module] = why;
  const declared = declaredFunctions(await declarationsOf(root)).find((candidate) => candidate.name === name);
  if (!declared || !module) {
    console.error(usage);
    process.exit(2);
  }
  const [bundle] = await bundleFunctions([declared], root);
  const chain = bundle && importChain(bundle, (path) => path.includes(module));
  console.log(chain ? chain.join("\n  → ") : `${name}'s bundle holds no module matching "${module}".`);
  process.exit(0);
}

const started = performance.now();
const { bundles, failures } = await bundleEveryFunction(root);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

const outputDirectory = join(repositoryRoot, ".data", "bundles");
rmSync(outputDirectory, { recursive: true, force: true });
mkdirSync(outputDirectory, { recursive: true });
for (const bundle of bundles) {
  const file = bundleFileName(bundle.name);
  writeFileSync(join(outputDirectory, `${file}.mjs`), bundle.code);
  writeFileSync(join(outputDirectory, `${file}.meta.json`), JSON.stringify(bundle.metafile));
}

const entityFiles = coreEntityFiles(root);
const serviceFiles = coreServiceFiles(root);
/** One entity file may define several entities (automation.entity.ts holds rules, runs and delayed actions). */
const entitiesIn = new Map(
  entityFiles.map((file) => [
    file,
    readFileSync(join(root, file), "utf8").match(/export const \w+Entity\b/g)?.length ?? 0,
  ]),
);
const entityCount = [...entitiesIn.values()].reduce((sum, count) => sum + count, 0);

type Row = { bundle: FunctionBundle; entityFiles: string[]; entities: number; serviceFiles: string[] };
const rows: Row[] = bundles.map((bundle) => {
  const held = new Set(bundle.modules);
  const entityFilesHeld = entityFiles.filter((file) => held.has(file));
  return {
    bundle,
    entityFiles: entityFilesHeld,
    entities: entityFilesHeld.reduce((sum, file) => sum + (entitiesIn.get(file) ?? 0), 0),
    serviceFiles: serviceFiles.filter((file) => held.has(file)),
  };
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const number = (value: number) => value.toLocaleString("en-GB");
const table = [
  [
    "function",
    "bytes",
    "gzip",
    "modules",
    `entity files /${entityFiles.length}`,
    `entities /${entityCount}`,
    `services /${serviceFiles.length}`,
  ],
  ...[...rows]
    .sort((a, b) => b.bundle.bytes - a.bundle.bytes)
    .map(({ bundle, entityFiles: held, entities, serviceFiles: services }) => [
      bundle.name,
      number(bundle.bytes),
      number(bundle.gzipBytes),
      String(bundle.modules.length),
      String(held.length),
      String(entities),
      String(services.length),
    ]),
];
const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => row[column]?.length ?? 0))) ?? [];
for (const [index, row] of table.entries()) {
  console.log(
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join("  "),
  );
  if (index === 0) console.log(widths.map((width) => "-".repeat(width)).join("  "));
}

const bySize = [...bundles].sort((a, b) => a.bytes - b.bytes);
const biggest = bySize.at(-1);
const smallest = bySize[0];
const middle = bySize.length / 2;
const median = (pick: (bundle: FunctionBundle) => number) => {
  const values = bySize.map(pick).sort((a, b) => a - b);
  return bySize.length % 2
    ? (values[Math.floor(middle)] ?? 0)
    : ((values[middle - 1] ?? 0) + (values[middle] ?? 0)) / 2;
};
console.log(
  `\n${measured}: ${bundles.length} functions bundled in ${seconds} s; bundles and metafiles in .data/bundles/`,
);
if (failures.length > 0) {
  console.log(`${failures.length} functions did not build (left out of every figure below):`);
  for (const failure of failures) console.log(`  ${failure.name}: ${failure.error.split("\n").slice(0, 2).join(" ")}`);
  process.exitCode = 1;
}
if (biggest && smallest) {
  console.log(
    `biggest:  ${biggest.name}, ${number(biggest.bytes)} bytes (${kb(biggest.bytes)}), ${number(biggest.gzipBytes)} gzipped`,
  );
  console.log(
    `median:   ${number(median((b) => b.bytes))} bytes (${kb(median((b) => b.bytes))}), ${number(median((b) => b.gzipBytes))} gzipped`,
  );
  console.log(
    `smallest: ${smallest.name}, ${number(smallest.bytes)} bytes (${kb(smallest.bytes)}), ${number(smallest.gzipBytes)} gzipped`,
  );

  const byOrigin = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(Object.values(biggest.metafile.outputs)[0]?.inputs ?? {})) {
    const origin =
      packageOf(path) ??
      path
        .split("/")
        .slice(0, isCoreModule(path) ? 4 : 3)
        .join("/");
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + bytesInOutput);
  }
  console.log(`\nwhat the biggest bundle (${biggest.name}) is made of, by package or source folder:`);
  for (const [origin, bytes] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${kb(bytes).padStart(10)}  ${origin}`);
  }
}

const inEvery = (modules: (bundle: FunctionBundle) => Iterable<string>) => {
  const [first, ...rest] = bundles.map((bundle) => new Set(modules(bundle)));
  return [...(first ?? [])].filter((module) => rest.every((set) => set.has(module))).sort();
};
const sharedCore = inEvery((bundle) => bundle.modules.filter(isCoreModule));
console.log(`\npackages/core modules in every bundle (${sharedCore.length}):`);
for (const module of sharedCore) console.log(`  ${module}`);
const sharedPackages = inEvery((bundle) => bundle.modules.flatMap((module) => packageOf(module) ?? []));
console.log(`npm packages in every bundle (${sharedPackages.length}): ${sharedPackages.join(", ")}`);

const everything = rows.filter((row) => row.entityFiles.length === entityFiles.length);
console.log(
  everything.length === 0
    ? `\nno bundle holds all ${entityCount} entities; the most any holds is ${Math.max(...rows.map((row) => row.entities))}.`
    : `\n${everything.length} bundles hold all ${entityCount} entities: ${everything.map((row) => row.bundle.name).join(", ")}`,
);
const [first] = everything;
if (first) {
  // The entity files most bundles do without are the telling ones: how the first such bundle reaches each of them.
  const rare = entityFiles.filter(
    (file) => rows.filter((row) => row.entityFiles.includes(file)).length < rows.length / 2,
  );
  console.log(`how ${first.bundle.name} reaches the entity files fewer than half the bundles hold:`);
  for (const file of rare) {
    const chain = importChain(first.bundle, (path) => path === file);
    if (chain) console.log(`  ${chain.join("\n    → ")}`);
  }
}

if (arguments_.includes("--cold")) {
  const { measureColdStarts } = await import("./cold-starts");
  const runs = Number(option("--cold", 1)?.[0] ?? 15);
  await measureColdStarts(bundles, Number.isInteger(runs) && runs > 0 ? runs : 15);
}
