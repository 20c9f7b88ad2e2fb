import { getConnection } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.get", async ({ tenant, params }) =>
  getConnection(tenant, params.connectionId),
);
