import { connectionLog, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.logs", integrationContracts, async ({ tenant, params, query }) =>
  connectionLog(tenant, params.connectionId, query),
);
