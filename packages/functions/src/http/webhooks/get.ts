import { getWebhook } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.get", async ({ tenant, params }) => getWebhook(tenant, params.webhookId));
