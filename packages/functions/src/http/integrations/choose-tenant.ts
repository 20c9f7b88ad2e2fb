import { chooseConnectionTenant, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "integrations.chooseTenant",
  integrationContracts,
  async ({ tenant, params, body }) => chooseConnectionTenant(tenant, params.connectionId, body.tenantId),
);
