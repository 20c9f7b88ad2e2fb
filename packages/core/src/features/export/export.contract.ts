import type { ContractsOf } from "../../platform/route-contract";
import type { exportRoutes } from "./export.routes";
import { createExportInput, exportSchema } from "./export.schema";

/** What the routes of export.routes.ts accept and answer. */
export const exportContracts = {
  "exports.create": {
    summary: "Export a list",
    description:
      "Starts writing a contact, company or deal list to a file, CSV (one column per field, nested fields dotted, lists joined with `; ` as imports read them) or NDJSON (one record per line), with the list endpoint's own filters and sort in `filters` (`body.filters.<field>` errors). Answers at once with the `running` export; `GET …/exports/{exportId}` says when it is completed and gives its download. Kept a week.",
    tag: "Exports",
    body: createExportInput,
    response: { status: 202, description: "The running export.", schema: exportSchema },
  },
  "exports.get": {
    summary: "Get an export",
    description:
      "The export's status and row count; once completed, a presigned download (5 minutes; read the export again for a new link).",
    tag: "Exports",
    response: { status: 200, description: "The export.", schema: exportSchema },
  },
} as const satisfies ContractsOf<typeof exportRoutes>;
