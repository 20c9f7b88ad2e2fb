import { completeAuthorization, integrationContracts } from "@crm/core/integration";
// From its own module, not the platform index: a public route's bundle need not hold the signed-in routes' factory.
import { publicEndpoint } from "../../platform/public-endpoint";

export const handler = publicEndpoint(
  "integrations.callback",
  integrationContracts,
  async ({ params, query, requestId }) => completeAuthorization(params.provider, query, requestId),
);
