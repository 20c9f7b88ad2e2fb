import { handleQuickBooksWebhook, quickBooksWebhookSchema } from "@crm/core/integration";
import { intuitConfig } from "@crm/core/platform";
import { hmacSha256Matches } from "../../platform/hmac-signature";
import { webhookReceiver } from "../../platform/webhook-receiver";

export const handler = webhookReceiver({
  verify: ({ rawBody, headers }) =>
    hmacSha256Matches({
      secret: intuitConfig().webhookVerifierToken,
      payload: rawBody,
      signature: headers["intuit-signature"],
      encoding: "base64",
    }),
  schema: quickBooksWebhookSchema,
  handle: async ({ body }) => {
    await handleQuickBooksWebhook(body);
  },
});
