import { listConnections } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.list", async ({ tenant }) => ({
  data: await listConnections(tenant),
  nextCursor: null,
}));
