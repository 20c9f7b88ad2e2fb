import { readFile } from "node:fs/promises";
import { referencePageScriptFile } from "@crm/core/reference-page";
import { systemContracts } from "@crm/core/system";
// From its own module, not the platform index: a public route's bundle need not hold the signed-in routes' factory.
import { publicEndpoint } from "../../platform/public-endpoint";
import { shippedFile } from "../../platform/shipped-file";

let script: Promise<string> | undefined;

export const handler = publicEndpoint("docs.script", systemContracts, async () => {
  script ??= readFile(shippedFile(referencePageScriptFile), "utf8").catch((error) => {
    script = undefined; // a misconfigured package is a 500 (logged), and the next request tries again
    throw error;
  });
  // Revalidated by ETag after an hour, so a deployment with a newer Scalar reaches browsers the same day.
  return { text: await script, headers: { "cache-control": "public, max-age=3600" } };
});
