import { getConnection, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.get", integrationContracts, async ({ tenant, params }) =>
  getConnection(tenant, params.connectionId),
);
