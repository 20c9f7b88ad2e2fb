import { apiKeyContracts, listApiKeys } from "@crm/core/api-key";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("apiKeys.list", apiKeyContracts, async ({ tenant, query }) =>
  listApiKeys(tenant, query),
);
