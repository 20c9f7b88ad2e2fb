import type { FilterCatalogue } from "../../capabilities/filter/filter";

/** What `?filter=` may name on deals, and where each field is kept. */
export const dealFilterFields: FilterCatalogue = {
  title: { kind: "text", attribute: "title" },
  amount: { kind: "number", attribute: "amount" },
  currency: { kind: "text", attribute: "currency" },
  status: { kind: "text", attribute: "status" },
  lostReason: { kind: "text", attribute: "lostReason" },
  pipelineId: { kind: "id", attribute: "pipelineId" },
  stageId: { kind: "id", attribute: "stageId" },
  ownerId: { kind: "id", attribute: "ownerId" },
  companyId: { kind: "id", attribute: "companyId" },
  contactIds: { kind: "list", attribute: "contactIds" },
  tags: { kind: "list", attribute: "tags", folded: true },
  expectedCloseDate: { kind: "timestamp", attribute: "expectedCloseDate" },
  createdAt: { kind: "timestamp", attribute: "createdAt" },
  updatedAt: { kind: "timestamp", attribute: "updatedAt" },
  closedAt: { kind: "timestamp", attribute: "closedAt" },
  stageEnteredAt: { kind: "timestamp", attribute: "stageEnteredAt" },
  lastActivityAt: { kind: "timestamp", attribute: "lastActivityAt" },
};
