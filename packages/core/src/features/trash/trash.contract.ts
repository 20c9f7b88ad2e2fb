import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { trashRoutes } from "./trash.routes";
import { listTrashQuery, restoredRecordSchema, trashedRecordSchema } from "./trash.schema";

/** What the routes of trash.routes.ts accept and answer. */
export const trashContracts = {
  "trash.list": {
    summary: "List deleted records",
    description:
      "Contacts, companies, deals and files deleted in the last 30 days, most recent first. They are hidden from every other list and from search; after 30 days they are gone for good. A file deleted with its record (or with an activity) is not listed on its own: it comes back with its record.",
    tag: "Trash",
    query: listTrashQuery,
    response: { status: 200, description: "A page of deleted records.", schema: page(trashedRecordSchema) },
  },
  "trash.restore": {
    summary: "Restore a deleted record",
    description:
      "Brings a contact, company or deal back with its id, fields and history, and links it again to the records it was linked to where they still exist; a file back onto those of its records that still exist. 409 `duplicate` if its email or domain was taken meanwhile; 409 `restore-conflict` if a deal's stage no longer exists, or if none of a file's records exists (restore one of them first). Who may delete the record may restore it; who may upload files may restore a file.",
    tag: "Trash",
    response: { status: 200, description: "The restored record.", schema: restoredRecordSchema },
    errors: [409],
  },
} as const satisfies ContractsOf<typeof trashRoutes>;
