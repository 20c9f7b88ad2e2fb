import type { FilterCatalogue } from "../../capabilities/filter/filter";

/** What `?filter=` may name on contacts, and where each field is kept. */
export const contactFilterFields: FilterCatalogue = {
  firstName: { kind: "text", attribute: "firstName" },
  lastName: { kind: "text", attribute: "lastName" },
  title: { kind: "text", attribute: "title" },
  emails: { kind: "list", attribute: "emails", folded: true },
  phones: { kind: "list", attribute: "phones" },
  ownerId: { kind: "id", attribute: "ownerId" },
  companyId: { kind: "id", attribute: "companyId" },
  companyIds: { kind: "list", attribute: "companyIds" },
  tags: { kind: "list", attribute: "tags", folded: true },
  createdAt: { kind: "timestamp", attribute: "createdAt" },
  updatedAt: { kind: "timestamp", attribute: "updatedAt" },
  lastActivityAt: { kind: "timestamp", attribute: "lastActivityAt" },
};
