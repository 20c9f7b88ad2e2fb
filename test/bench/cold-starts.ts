/**
 * Cold import time of every function's bundle against the bare handler's (bare-handler.ts), bundled the same way in
 * the same run: each measured in fresh Node processes, interleaved (every function once, then again), the median
 * of `runs` per function. A ratio, as the machine is shared; what a cold start adds beyond the import (the runtime's
 * own init, the first request's connection) is the same for both.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFileName, bundleFunctions, type FunctionBundle, repositoryRoot } from "./function-bundles";

const importTime = (file: string) =>
  Number(
    execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const started = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - started);`,
      ],
      { encoding: "utf8", env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" } },
    ).trim(),
  );

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/**
 * Floors (in packages/functions, whose dependencies they load): the bare handler plus the libraries the project chose, without any of its code. An HTTP function loads all
 * of them, so its ratio cannot go below the last one's; the others show what each library costs alone.
 */
const libraryFloors = [
  { name: "bare + zod", handler: "packages/functions/src/bench/zod-floor.handler" },
  { name: "bare + zod mini", handler: "packages/functions/src/bench/zod-mini-floor.handler" },
  { name: "bare + ElectroDB", handler: "packages/functions/src/bench/electrodb-floor.handler" },
  { name: "bare + chosen libraries", handler: "packages/functions/src/bench/library-floor.handler" },
];

export type ColdStart = { name: string; bytes: number; milliseconds: number; ratio: number };

/** Measures `bundles` against the bare handler, printing a line per function and a summary; returns the rows. */
export async function measureColdStarts(bundles: readonly FunctionBundle[], runs = 15): Promise<ColdStart[]> {
  const directory = join(repositoryRoot, ".data", "cold-starts");
  mkdirSync(directory, { recursive: true });
  const [bare] = await bundleFunctions([{ name: "bare handler", handler: "test/bench/bare-handler.handler" }]);
  if (!bare) throw new Error("the bare handler did not bundle");
  const floors = await bundleFunctions(libraryFloors);
  const files = [bare, ...floors, ...bundles].map((bundle) => {
    const file = join(directory, `${bundleFileName(bundle.name)}.mjs`);
    writeFileSync(file, bundle.code);
    return { bundle, file, samples: [] as number[] };
  });
  console.log(
    `\nCold import of ${bundles.length} bundles against the bare handler: ${runs} fresh processes each, interleaved ...`,
  );
  for (let run = 0; run < runs; run++) for (const entry of files) entry.samples.push(importTime(entry.file));
  const [baseline, ...rest] = files;
  const floorFiles = rest.slice(0, floors.length);
  const measured = rest.slice(floors.length);
  const bareMs = median(baseline?.samples ?? []);
  console.log(
    `bare handler (DynamoDB + document client, ${bare.bytes.toLocaleString("en")} bytes): ${bareMs.toFixed(1)} ms`,
  );
  const rows = measured
    .map(({ bundle, samples }) => ({
      name: bundle.name,
      bytes: bundle.bytes,
      milliseconds: median(samples),
      ratio: median(samples) / bareMs,
    }))
    .sort((a, b) => b.ratio - a.ratio);
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(34)} ${row.bytes.toLocaleString("en").padStart(10)} bytes  ${row.milliseconds.toFixed(1).padStart(6)} ms  ${row.ratio.toFixed(2)}×`,
    );
  }
  console.log("floors: the bare handler plus libraries alone, no project code (what no function can go below)");
  for (const { bundle, samples } of floorFiles) {
    console.log(
      `  ${bundle.name.padEnd(32)} ${bundle.bytes.toLocaleString("en").padStart(10)} bytes  ${median(samples).toFixed(1).padStart(6)} ms  ${(median(samples) / bareMs).toFixed(2)}×`,
    );
  }
  const ratios = rows.map((row) => row.ratio);
  const within = rows.filter((row) => row.ratio <= 1.3).length;
  console.log(
    `cold import ratio: min ${Math.min(...ratios).toFixed(2)}×, median ${median(ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}×; ` +
      `${within} of ${rows.length} functions within 1.3×`,
  );
  return rows;
}
