import { listWebhooks } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.list", async ({ tenant }) => listWebhooks(tenant));
