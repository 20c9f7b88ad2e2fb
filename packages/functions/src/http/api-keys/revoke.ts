import { apiKeyContracts, revokeApiKey } from "@crm/core/api-key";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("apiKeys.revoke", apiKeyContracts, async ({ tenant, params }) =>
  revokeApiKey(tenant, params.keyId),
);
