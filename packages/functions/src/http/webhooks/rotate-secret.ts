import { rotateWebhookSecret } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.rotateSecret", async ({ tenant, params }) =>
  rotateWebhookSecret(tenant, params.webhookId),
);
