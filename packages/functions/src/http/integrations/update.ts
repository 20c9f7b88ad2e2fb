import { integrationContracts, updateConnection } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.update", integrationContracts, async ({ tenant, params, body }) =>
  updateConnection(tenant, params.connectionId, body),
);
