import { replayDelivery, webhookContracts } from "@crm/core/webhook";
import { httpEndpoint } from "../../platform";

export const handler = httpEndpoint("webhooks.replayDelivery", webhookContracts, async ({ tenant, params }) =>
  replayDelivery(tenant, params.webhookId, params.deliveryId),
);
