// esbuild plugins for every function's bundle (SST's `nodejs.plugins`; test/bench/function-bundles.ts builds with
// the same list). Plain JavaScript: SST loads this file itself when it builds.
import { dirname, join } from "node:path";

/**
 * zod re-exports all of its 64 error-message locales as `z.locales` (about 260 KiB, more than half of zod in a
 * bundle), and esbuild keeps them because `z` is used as a namespace. The API speaks English only: a function's
 * bundle gets zod's English locale alone, the one zod configures itself with.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, args.path), namespace: "zod-english-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

export default [zodEnglishOnly];
