import type { ContractsOf } from "../../platform/route-contract";
import type { importRoutes } from "./import.routes";
import { importRowErrorsSchema, importSchema, startImportInput } from "./import.schema";

/** What the routes of import.routes.ts accept and answer. */
export const importContracts = {
  "imports.create": {
    summary: "Import records from a CSV file",
    description:
      "Starts importing an uploaded, `available` CSV file (see `POST …/files`) into contacts, companies or deals, and answers at once with the `queued` import; follow it at `GET …/imports/{importId}` or over the WebSocket (`import.progress` messages to you). The mapping, the suggestion from the file's header unless given, is checked against that header (`body.mapping.<column>` errors). Contacts are matched to existing ones by their first email, companies by their domain, also to earlier rows of the same file: `onDuplicate` skips or updates them. Rows are written through the same rules as the API, each row's audit entry and events naming the import as their request (`import:<importId>`). A `dryRun` counts the same way and writes no records. A file that is still being checked or was rejected is `409 file-not-available`.",
    tag: "Imports",
    body: startImportInput,
    response: {
      status: 202,
      description: "The queued import; its run goes on in the background.",
      schema: importSchema,
    },
    errors: [409],
  },
  "imports.get": {
    summary: "Get an import",
    description:
      "How far the import is: its status, the counts of rows done (created, updated, skipped, failed; for a dry run what would be), and for a file that could not be read as a whole the `failure` with its line.",
    tag: "Imports",
    response: { status: 200, description: "The import.", schema: importSchema },
  },
  "imports.errors": {
    summary: "List an import's failed rows",
    description:
      "One entry per reason a row failed, in line order: its line, the CSV column and the field path as the API reports it for the same body. The first 1,000 failed rows are kept (`truncated` says when more failed).",
    tag: "Imports",
    response: { status: 200, description: "The failed rows.", schema: importRowErrorsSchema },
  },
} as const satisfies ContractsOf<typeof importRoutes>;
