import { disconnect } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.delete", async ({ tenant, params }) =>
  disconnect(tenant, params.connectionId),
);
