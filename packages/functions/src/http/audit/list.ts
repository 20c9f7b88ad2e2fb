import { listAuditEntries } from "@crm/core/audit";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("audit.list", async ({ tenant, query }) => listAuditEntries(tenant, query));
