import { handleGmailPush, pubsubPushSchema } from "@crm/core/integration";
import { googleConfig, integrationsConfig } from "@crm/core/platform";
import { oidcTokenVerifier } from "../../platform/oidc-token-verifier";
import { webhookReceiver } from "../../platform/webhook-receiver";

const pushTokenIsGoogles = oidcTokenVerifier(() => {
  const google = googleConfig();
  return {
    issuer: "https://accounts.google.com",
    // Pub/Sub puts the push endpoint's URL in `aud` unless the subscription names an audience.
    audience:
      google.pushAudience ?? new URL("v1/integrations/google-gmail/push", integrationsConfig().publicApiUrl).href,
    jwksUri: google.jwksUrl,
    email: google.pushServiceAccount,
  };
});

export const handler = webhookReceiver({
  route: "integrations.gmailPush",
  verify: ({ headers }) => pushTokenIsGoogles(headers.authorization),
  schema: pubsubPushSchema,
  handle: async ({ body }) => {
    await handleGmailPush(body);
  },
});
