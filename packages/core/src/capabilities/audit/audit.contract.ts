import type { ContractsOf } from "../../platform/route-contract";
import { page } from "../../platform/schema";
import type { auditRoutes } from "./audit.routes";
import { auditEntrySchema, listAuditQuery } from "./audit.schema";

/** What the routes of audit.routes.ts accept and answer. */
export const auditContracts = {
  "audit.list": {
    summary: "List the change history",
    description:
      "Every create, update and delete of contacts, companies and members: who, when, in which request, and each changed field before and after. Newest first; `recordId` narrows it to one record.",
    tag: "Audit",
    query: listAuditQuery,
    response: { status: 200, description: "A page of audit entries.", schema: page(auditEntrySchema) },
  },
} as const satisfies ContractsOf<typeof auditRoutes>;
