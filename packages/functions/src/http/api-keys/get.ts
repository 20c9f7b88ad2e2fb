import { apiKeyContracts, getApiKey } from "@crm/core/api-key";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("apiKeys.get", apiKeyContracts, async ({ tenant, params }) =>
  getApiKey(tenant, params.keyId),
);
