import { beginAuthorization, integrationContracts } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.connect", integrationContracts, async ({ tenant, params }) =>
  beginAuthorization(tenant, params.provider),
);
