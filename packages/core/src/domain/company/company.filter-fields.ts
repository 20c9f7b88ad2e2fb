import type { FilterCatalogue } from "../../capabilities/filter/filter";

/** What `?filter=` may name on companies, and where each field is kept. */
export const companyFilterFields: FilterCatalogue = {
  name: { kind: "text", attribute: "name" },
  domain: { kind: "text", attribute: "domain" },
  industry: { kind: "text", attribute: "industry" },
  size: { kind: "text", attribute: "size" },
  ownerId: { kind: "id", attribute: "ownerId" },
  tags: { kind: "list", attribute: "tags", folded: true },
  createdAt: { kind: "timestamp", attribute: "createdAt" },
  updatedAt: { kind: "timestamp", attribute: "updatedAt" },
  lastActivityAt: { kind: "timestamp", attribute: "lastActivityAt" },
};
