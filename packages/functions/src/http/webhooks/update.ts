import { updateWebhook, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint(
  "webhooks.update",
  webhookContracts,
  async ({ tenant, params, body, preconditions }) => updateWebhook(tenant, params.webhookId, body, preconditions),
);
