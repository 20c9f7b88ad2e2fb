import { createWebhook, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.create", webhookContracts, async ({ tenant, body }) =>
  createWebhook(tenant, body),
);
