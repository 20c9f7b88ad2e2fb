import { auditContracts, listAuditEntries } from "@crm/core/audit";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("audit.list", auditContracts, async ({ tenant, query }) =>
  listAuditEntries(tenant, query),
);
