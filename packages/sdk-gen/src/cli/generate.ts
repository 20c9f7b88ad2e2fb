import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "@crm/core/api";
import { localPostmanEnvironment, postmanCollection } from "../postman";
import { schemaTypes } from "../typescript";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
/** Rebuilt from the document on every run, so git-ignored: see README, Tools and clients. */
const outputDirectory = join(repositoryRoot, "dist", "sdk");
/** Committed, so that tsc checks the client on a fresh clone; a test fails when it is behind the document. */
const clientSchemaFile = join(repositoryRoot, "packages", "client", "src", "schema.d.ts");

const asJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** `npm run sdk`: the Postman collection and environment, the OpenAPI document beside them, and the client's types. */
async function main() {
  const document = openApiDocument();
  mkdirSync(outputDirectory, { recursive: true });
  const written = [
    [join(outputDirectory, "openapi.json"), asJson(document)],
    [join(outputDirectory, "crm-api.postman_collection.json"), asJson(postmanCollection(document))],
    [join(outputDirectory, "crm-local.postman_environment.json"), asJson(localPostmanEnvironment(document))],
    [clientSchemaFile, await schemaTypes(document)],
  ] as const;
  for (const [file, contents] of written) {
    writeFileSync(file, contents);
    console.log(`wrote ${relative(repositoryRoot, file)}`);
  }
}

await main();
