import { handleXeroWebhook, xeroWebhookSchema } from "@crm/core/integration";
import { xeroConfig } from "@crm/core/platform";
import { hmacSha256Matches } from "../../platform/hmac-signature";
import { webhookReceiver } from "../../platform/webhook-receiver";

export const handler = webhookReceiver({
  verify: ({ rawBody, headers }) =>
    hmacSha256Matches({
      secret: xeroConfig().webhookKey,
      payload: rawBody,
      signature: headers["x-xero-signature"],
      encoding: "base64",
    }),
  schema: xeroWebhookSchema,
  handle: async ({ body }) => {
    await handleXeroWebhook(body);
  },
});
