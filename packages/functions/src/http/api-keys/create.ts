import { apiKeyContracts, createApiKey } from "@crm/core/api-key";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("apiKeys.create", apiKeyContracts, async ({ tenant, body }) =>
  createApiKey(tenant, body),
);
