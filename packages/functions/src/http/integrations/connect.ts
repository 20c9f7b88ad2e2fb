import { beginAuthorization } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.connect", async ({ tenant, params }) =>
  beginAuthorization(tenant, params.provider),
);
