import { deleteWebhook, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.delete", webhookContracts, async ({ tenant, params, preconditions }) =>
  deleteWebhook(tenant, params.webhookId, preconditions),
);
