import { resolve } from "node:path";

/**
 * Where a file a route declares (`files`, a path from the repository root) is at run time: in Lambda, at the same
 * path under the function's package (`stacks/` ships it with SST's copyFiles); locally, in the checkout, which
 * the local cloud and the tests run from.
 */
export function shippedFile(path: string): string {
  return resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), path);
}
