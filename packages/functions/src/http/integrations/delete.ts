import { disconnect, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.delete", integrationContracts, async ({ tenant, params }) =>
  disconnect(tenant, params.connectionId),
);
