import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { routes } from "@crm/core/declarations";
import { describe, expect, it } from "vitest";

const coreSource = fileURLToPath(new URL("../../packages/core/src/", import.meta.url));
const declarations = join(coreSource, "declarations");
const sourceFiles = readdirSync(coreSource, { recursive: true, encoding: "utf8" }).map((file) =>
  join(coreSource, file),
);
const routeFiles = sourceFiles.filter((file) => file.endsWith(".routes.ts"));
const dependencyFree = [...sourceFiles.filter((file) => dirname(file) === declarations), ...routeFiles];

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gm)].map((found) => found[1] ?? "");

describe("the route declarations", () => {
  it("import nothing but each other, so SST's config loader can load the route table without any package", () => {
    for (const file of dependencyFree) {
      for (const specifier of importsOf(file)) {
        const name = relative(coreSource, file);
        expect(specifier.startsWith("."), `${name} imports ${specifier}`).toBe(true);
        expect(dependencyFree, `${name} imports ${specifier}`).toContain(resolve(dirname(file), `${specifier}.ts`));
      }
    }
  });

  it("declare each route in exactly one *.routes.ts, all of them in the route table", async () => {
    const declared: string[] = [];
    for (const file of routeFiles) {
      const module = (await import(file)) as Record<string, Record<string, unknown>>;
      for (const group of Object.values(module)) declared.push(...Object.keys(group));
    }
    expect(declared.sort()).toEqual(Object.keys(routes).sort());
  });
});
