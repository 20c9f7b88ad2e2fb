/** The file of esbuild plugins every function is bundled with (SST loads it; so does test/bench/function-bundles.ts). */
export const functionBundlePlugins = "./stacks/esbuild-plugins.mjs";

/** Defaults for every Lambda function of the app, set once; the function form keeps what a function sets itself. */
export function setFunctionDefaults() {
  $transform(sst.aws.Function, (args) => {
    args.runtime ??= "nodejs24.x";
    args.architecture ??= "arm64";
    args.memory ??= "512 MB";
    args.timeout ??= "10 seconds";
    args.logging ??= { format: "json", retention: "1 month" };
    // The same esbuild plugins as the bundle measurements use (zod's English locale only); relative to sst.config.ts.
    args.nodejs = { plugins: functionBundlePlugins, ...(args.nodejs as object | undefined) };
  });
}
