import { integrationContracts, listConnectionTenants } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.tenants", integrationContracts, async ({ tenant, params }) => ({
  ...(await listConnectionTenants(tenant, params.connectionId)),
  nextCursor: null,
}));
