import { createWebhook } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.create", async ({ tenant, body }) => createWebhook(tenant, body));
