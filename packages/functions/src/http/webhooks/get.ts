import { getWebhook, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.get", webhookContracts, async ({ tenant, params }) =>
  getWebhook(tenant, params.webhookId),
);
