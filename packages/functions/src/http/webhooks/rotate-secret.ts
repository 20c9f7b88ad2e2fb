import { rotateWebhookSecret, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.rotateSecret", webhookContracts, async ({ tenant, params }) =>
  rotateWebhookSecret(tenant, params.webhookId),
);
