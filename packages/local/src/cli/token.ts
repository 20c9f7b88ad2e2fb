import { join } from "node:path";
import { parseArgs } from "node:util";
import { targetCloud } from "../cloud/running-cloud";
import { loadOrCreateIdentityProvider } from "../identity";
import { repositoryRoot } from "./repository";

const usage = "Usage: npm run token -- --email alice@example.com [--name Alice] [--expires-in 3600]";

/**
 * Prints a token from the local identity provider (the keys the local cloud uses) on stdout, and nothing else: for
 * the running local cloud, whatever port it was started on (PORT, when set, names another).
 */
async function main() {
  let values: { email?: string; name?: string; "expires-in"?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: "string" }, name: { type: "string" }, "expires-in": { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const expiresInSeconds = Number(values["expires-in"] ?? 3600);
  if (
    !values.email ||
    !/^[^\s@]+@[^\s@]+$/.test(values.email) ||
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds <= 0
  ) {
    console.error(usage);
    process.exit(2);
  }
  const dataDirectory = join(repositoryRoot, ".data");
  const cloud = targetCloud(dataDirectory);
  if (cloud.note) console.error(cloud.note);
  const identityProvider = await loadOrCreateIdentityProvider({
    dataDirectory,
    issuer: cloud.issuer,
    audience: cloud.audience,
  });
  process.stdout.write(
    `${identityProvider.signAccessToken({ email: values.email, ...(values.name ? { name: values.name } : {}), expiresInSeconds })}\n`,
  );
}

await main();
