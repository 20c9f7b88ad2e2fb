/**
 * Every declared Lambda function bundled the way SST builds it for nodejs24.x, and what each bundle holds according
 * to esbuild's metafile. Used by `npm run bundles` (test/bench/bundles.ts) and by the bundle-contents unit test.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import * as workingTreeDeclarations from "@crm/core/declarations";
import { build, type Metafile } from "esbuild";
// The plugins stacks/ gives SST for every function (stacks/defaults.ts).
import functionPlugins from "../../stacks/esbuild-plugins.mjs";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const coreSource = "packages/core/src/";

type Declarations = typeof workingTreeDeclarations;

/**
 * A copy of the repository as committed at `ref`, in a temporary directory, with the installed packages linked in
 * (and its own packages/* as the @crm/* ones): bundling it measures a commit, unaffected by uncommitted work in the
 * working tree.
 */
export function committedTree(ref: string): string {
  const root = mkdtempSync(join(tmpdir(), "crm-bundles-"));
  const archive = execFileSync("git", ["archive", "--format=tar", ref], { cwd: repositoryRoot, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", root], { input: archive });
  mkdirSync(join(root, "node_modules", "@crm"), { recursive: true });
  for (const entry of readdirSync(join(repositoryRoot, "node_modules"))) {
    if (entry !== "@crm") symlinkSync(join(repositoryRoot, "node_modules", entry), join(root, "node_modules", entry));
  }
  for (const workspace of readdirSync(join(root, "packages"))) {
    symlinkSync(join("..", "..", "packages", workspace), join(root, "node_modules", "@crm", workspace));
    const installed = join(repositoryRoot, "packages", workspace, "node_modules");
    if (existsSync(installed)) symlinkSync(installed, join(root, "packages", workspace, "node_modules"));
  }
  return root;
}

/** The function declarations of the tree at `root` (the working tree's unless told). */
export async function declarationsOf(root: string): Promise<Declarations> {
  if (root === repositoryRoot) return workingTreeDeclarations;
  return import(pathToFileURL(join(root, "packages/core/src/declarations/index.ts")).href);
}

export type DeclaredFunction = {
  /** The name it is declared under, prefixed by its trigger: `health.get`, `ws $connect`, `bus automation`, … */
  readonly name: string;
  /** SST handler string: file path from the repository root without extension, then `.handler`. */
  readonly handler: string;
};

/** Every function `stacks/` creates: the routes, the HTTP fallback, WebSocket routes and authorizer, subscribers, jobs. */
export function declaredFunctions({
  busSubscriptions,
  fallbackRoute,
  routes,
  schedules,
  tableStreamSubscription,
  websocketAuthorizer,
  websocketRoutes,
}: Declarations = workingTreeDeclarations): DeclaredFunction[] {
  return [
    ...Object.entries(routes).map(([routeId, route]) => ({ name: routeId, handler: route.handler })),
    { name: "http $default", handler: fallbackRoute.handler },
    ...Object.entries(websocketRoutes).map(([route, { handler }]) => ({ name: `ws ${route}`, handler })),
    { name: "ws authorizer", handler: websocketAuthorizer.handler },
    ...Object.entries(busSubscriptions).map(([name, { handler }]) => ({ name: `bus ${name}`, handler })),
    { name: "table stream", handler: tableStreamSubscription.handler },
    ...Object.entries(schedules).map(([name, { handler }]) => ({ name: `job ${name}`, handler })),
  ];
}

/** The source file of an SST handler string (`packages/functions/src/http/contacts/create.handler`). */
export function handlerFile(handler: string): string {
  return `${handler.slice(0, handler.lastIndexOf("."))}.ts`;
}

export type FunctionBundle = DeclaredFunction & {
  /** The minified `.mjs`, banner included, as SST would zip it. */
  readonly code: Uint8Array;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The build's metafile; `inputs` may hold other functions' modules too, `modules` lists this bundle's. */
  readonly metafile: Metafile;
  /** Input modules (paths relative to the tree) that left code in this bundle; tree-shaken ones are not counted. */
  readonly modules: readonly string[];
};

export type BundleFailure = DeclaredFunction & { readonly error: string };

/** A file name for a function's bundle: its name with anything but word characters, dots and dashes replaced. */
export const bundleFileName = (name: string): string => name.replace(/[^\w.-]+/g, "_");

/**
 * Bundles handlers as SST's node runtime does (pkg/runtime/node/build.go): esbuild, platform node, ESM with the
 * createRequire banner, main fields module then main, keepNames, minified for deploy, and everything bundled (the
 * AWS SDK included) but the two packages SST forces external, with the plugins stacks/ gives SST. One build with an entry point per function: without
 * code splitting each output is the same self-contained bundle a build of its own would give, and the shared
 * modules are parsed once. Writes nothing: the outputs stay in memory.
 */
export async function bundleFunctions(
  declared: readonly DeclaredFunction[],
  root = repositoryRoot,
): Promise<FunctionBundle[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: declared.map(({ name, handler }) => ({ in: handlerFile(handler), out: bundleFileName(name) })),
    outdir: "bundles",
    outExtension: { ".js": ".mjs" },
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    mainFields: ["module", "main"],
    external: ["sharp", "pg-native"],
    keepNames: true,
    minify: true,
    plugins: functionPlugins,
    metafile: true,
    logLevel: "silent",
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __filename = topLevelFileUrlToPath(import.meta.url)`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
  });
  return declared.map((function_) => {
    const outputPath = `bundles/${bundleFileName(function_.name)}.mjs`;
    const output = result.outputFiles.find(({ path }) => path === join(root, outputPath));
    const outputMeta = result.metafile.outputs[outputPath];
    if (!output || !outputMeta) throw new Error(`esbuild produced no ${outputPath} for ${function_.handler}`);
    return {
      ...function_,
      code: output.contents,
      bytes: output.contents.byteLength,
      gzipBytes: gzipSync(output.contents).byteLength,
      metafile: result.metafile,
      modules: Object.entries(outputMeta.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([path]) => path),
    };
  });
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Bundles every function declared in the tree at `root`. When the build fails, each function is built on its own,
 * so that a broken import is reported against the functions it breaks and the others are still measured.
 */
export async function bundleEveryFunction(
  root = repositoryRoot,
): Promise<{ bundles: FunctionBundle[]; failures: BundleFailure[] }> {
  const declared = declaredFunctions(await declarationsOf(root));
  try {
    return { bundles: await bundleFunctions(declared, root), failures: [] };
  } catch {
    const bundles: FunctionBundle[] = [];
    const failures: BundleFailure[] = [];
    for (const function_ of declared) {
      try {
        bundles.push(...(await bundleFunctions([function_], root)));
      } catch (error) {
        failures.push({ ...function_, error: errorMessage(error) });
      }
    }
    return { bundles, failures };
  }
}

function coreFiles(root: string, suffix: string, directory = join(root, coreSource)): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return coreFiles(root, suffix, path);
    return entry.name.endsWith(suffix) ? [relative(root, path)] : [];
  });
}

/** packages/core's entity files (`*.entity.ts`; one file may define several entities) and service files. */
export const coreEntityFiles = (root = repositoryRoot): string[] => coreFiles(root, ".entity.ts");
export const coreServiceFiles = (root = repositoryRoot): string[] => coreFiles(root, ".service.ts");

export const isCoreModule = (path: string): boolean => path.startsWith(coreSource);

/** The npm package a bundled module comes from (`@aws-sdk/client-dynamodb`), or undefined for the repository's own. */
export function packageOf(path: string): string | undefined {
  const inside = path.split("node_modules/").at(-1);
  if (inside === undefined || inside === path) return undefined;
  const [scope = "", name = ""] = inside.split("/");
  return scope.startsWith("@") ? `${scope}/${name}` : scope;
}

/**
 * The shortest import chain from the handler file to the first module matching `target`, traced through the
 * metafile's `inputs[...].imports`; undefined when no bundled module matches.
 */
export function importChain(bundle: FunctionBundle, target: (path: string) => boolean): string[] | undefined {
  const entry = handlerFile(bundle.handler);
  const cameFrom = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (target(path)) {
      const chain: string[] = [];
      for (let at: string | null | undefined = path; at; at = cameFrom.get(at)) chain.unshift(at);
      return chain;
    }
    for (const { path: imported, external } of bundle.metafile.inputs[path]?.imports ?? []) {
      if (external || cameFrom.has(imported)) continue;
      cameFrom.set(imported, path);
      queue.push(imported);
    }
  }
  return undefined;
}
