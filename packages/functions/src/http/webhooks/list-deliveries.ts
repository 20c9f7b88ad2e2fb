import { listDeliveries, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.listDeliveries", webhookContracts, async ({ tenant, params, query }) =>
  listDeliveries(tenant, params.webhookId, query),
);
