import { handleQuickBooksWebhook, quickBooksWebhookSchema } from "@crm/core/integration";
import { intuitConfig } from "@crm/core/platform";
import { hmacSha256Matches } from "../../platform/hmac-signature";
import { logger } from "../../platform/logger";
import { webhookReceiver } from "../../platform/webhook-receiver";

export const handler = webhookReceiver({
  route: "integrations.quickbooksWebhook",
  verify: ({ rawBody, headers }) =>
    hmacSha256Matches({
      secret: intuitConfig().webhookVerifierToken,
      payload: rawBody,
      signature: headers["intuit-signature"],
      encoding: "base64",
    }),
  schema: quickBooksWebhookSchema,
  handle: async ({ body }) => {
    const outcome = await handleQuickBooksWebhook(body);
    // Acknowledged all the same, so the provider does not retry: a disconnected account, or another environment's.
    if (outcome.accounts > 0 && outcome.connections === 0)
      logger.warn("webhook for accounts nobody connected", outcome);
  },
});
