import { completeAuthorization } from "@crm/core/integration";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("integrations.callback", async ({ params, query, requestId }) =>
  completeAuthorization(params.provider, query, requestId),
);
