import { fileURLToPath } from "node:url";

/** The repository root, from this file's location, so the CLIs work from any working directory. */
export const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The Lambda runtime is nodejs24.x; local runs must use the same major (the `node` devDependency provides it). */
export function assertLambdaNodeMajor(): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major !== 24) {
    console.error(
      `This project runs on Node 24 (the Lambda runtime nodejs24.x), but this is Node ${process.versions.node}.\n` +
        "Run it through npm (npm start, npm test), which puts the project's own Node 24 first on the PATH.",
    );
    process.exit(1);
  }
}
