import { integrationContracts, listConnections } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.list", integrationContracts, async ({ tenant }) => ({
  data: await listConnections(tenant),
  nextCursor: null,
}));
