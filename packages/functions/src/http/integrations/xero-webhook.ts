import { handleXeroWebhook, xeroWebhookSchema } from "@crm/core/integration";
import { xeroConfig } from "@crm/core/platform";
import { hmacSha256Matches } from "../../platform/hmac-signature";
import { logger } from "../../platform/logger";
import { webhookReceiver } from "../../platform/webhook-receiver";

export const handler = webhookReceiver({
  route: "integrations.xeroWebhook",
  verify: ({ rawBody, headers }) =>
    hmacSha256Matches({
      secret: xeroConfig().webhookKey,
      payload: rawBody,
      signature: headers["x-xero-signature"],
      encoding: "base64",
    }),
  schema: xeroWebhookSchema,
  handle: async ({ body }) => {
    const outcome = await handleXeroWebhook(body);
    // Acknowledged all the same, so the provider does not retry: a disconnected account, or another environment's.
    if (outcome.accounts > 0 && outcome.connections === 0)
      logger.warn("webhook for accounts nobody connected", outcome);
  },
});
