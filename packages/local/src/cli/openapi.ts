import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { openApiDocument } from "@crm/core/api";
import { repositoryRoot } from "./repository";

/**
 * Writes the OpenAPI document `GET /openapi.json` serves to `.data/openapi.json`, for `npm run lint:openapi` to hand
 * to Redocly and Spectral: the linters read a file, and this one is the served document byte for byte.
 */
const output = join(repositoryRoot, ".data", "openapi.json");
mkdirSync(join(repositoryRoot, ".data"), { recursive: true });
writeFileSync(output, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.error(`Wrote ${relative(repositoryRoot, output)}.`);
