import { listWebhooks, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.list", webhookContracts, async ({ tenant }) => listWebhooks(tenant));
