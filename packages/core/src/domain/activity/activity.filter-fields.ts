import type { FilterCatalogue } from "../../capabilities/filter/filter";

/** What `?filter=` and automation conditions may name on activities and tasks, and where each field is kept. */
export const activityFilterFields: FilterCatalogue = {
  type: { kind: "text", attribute: "type" },
  subject: { kind: "text", attribute: "subject" },
  body: { kind: "text", attribute: "body" },
  priority: { kind: "text", attribute: "priority" },
  assigneeId: { kind: "id", attribute: "assigneeId" },
  createdBy: { kind: "id", attribute: "createdBy" },
  done: { kind: "boolean", attribute: "done" },
  durationMinutes: { kind: "number", attribute: "durationMinutes" },
  contactIds: { kind: "list", attribute: "contactIds" },
  companyIds: { kind: "list", attribute: "companyIds" },
  dealIds: { kind: "list", attribute: "dealIds" },
  dueAt: { kind: "timestamp", attribute: "dueAt" },
  doneAt: { kind: "timestamp", attribute: "doneAt" },
  occurredAt: { kind: "timestamp", attribute: "occurredAt" },
  createdAt: { kind: "timestamp", attribute: "createdAt" },
  updatedAt: { kind: "timestamp", attribute: "updatedAt" },
};
