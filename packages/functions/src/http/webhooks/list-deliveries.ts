import { listDeliveries } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.listDeliveries", async ({ tenant, params, query }) =>
  listDeliveries(tenant, params.webhookId, query),
);
