import {
  googleSettingsName,
  integrationSettingsName,
  intuitSettingsName,
  oauthStateSigningKeyName,
  tokenVaultName,
  xeroSettingsName,
} from "../packages/core/src/declarations";
import { api } from "./http-api";
import { linkable } from "./links";

/**
 * The KMS key of the token vault: its data keys seal OAuth tokens and webhook signing secrets (envelope encryption,
 * with organisation and connection as encryption context). Rotated yearly by KMS; old ciphertexts still open.
 */
const tokenVaultKey = new aws.kms.Key("TokenVaultKey", {
  description: "CRM token vault: data keys for OAuth tokens and webhook signing secrets",
  enableKeyRotation: true,
  deletionWindowInDays: 30,
});

/** What the vault needs: the key, and permission to make and open data keys with it (nothing else). */
export const tokenVault = linkable(
  tokenVaultName,
  new sst.Linkable(tokenVaultName, {
    properties: { keyArn: tokenVaultKey.arn },
    include: [sst.aws.permission({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [tokenVaultKey.arn] })],
  }),
);

/** HMAC key for OAuth `state` values: `sst secret set OAuthStateSigningKey <random> --stage <stage>`. */
export const oauthStateSigningKey = linkable(oauthStateSigningKeyName, new sst.Secret(oauthStateSigningKeyName));

const googleClientId = new sst.Secret("GoogleClientId");
const googleClientSecret = new sst.Secret("GoogleClientSecret");
/** `projects/<project>/topics/<topic>` that Gmail publishes to, and the push subscription's service account. */
const googlePubsubTopic = new sst.Secret("GooglePubsubTopic");
const googlePushServiceAccount = new sst.Secret("GooglePushServiceAccount");

/** Google's real endpoints; the local cloud links the same names to its fake Google. */
export const google = linkable(
  googleSettingsName,
  new sst.Linkable(googleSettingsName, {
    properties: {
      clientId: googleClientId.value,
      clientSecret: googleClientSecret.value,
      authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: "https://oauth2.googleapis.com/token",
      revocationUrl: "https://oauth2.googleapis.com/revoke",
      jwksUrl: "https://www.googleapis.com/oauth2/v3/certs",
      gmailBaseUrl: "https://gmail.googleapis.com",
      calendarBaseUrl: "https://www.googleapis.com",
      pubsubTopic: googlePubsubTopic.value,
      pushServiceAccount: googlePushServiceAccount.value,
    },
  }),
);

/** Intuit's production endpoints; the app's keys and webhook verifier token are secrets. */
export const intuit = linkable(
  intuitSettingsName,
  new sst.Linkable(intuitSettingsName, {
    properties: {
      clientId: new sst.Secret("IntuitClientId").value,
      clientSecret: new sst.Secret("IntuitClientSecret").value,
      authorizationUrl: "https://appcenter.intuit.com/connect/oauth2",
      tokenUrl: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
      revocationUrl: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
      accountingBaseUrl: "https://quickbooks.api.intuit.com",
      webhookVerifierToken: new sst.Secret("IntuitWebhookVerifierToken").value,
    },
  }),
);

/** Xero's production endpoints; the app's keys and webhook key are secrets. */
export const xero = linkable(
  xeroSettingsName,
  new sst.Linkable(xeroSettingsName, {
    properties: {
      clientId: new sst.Secret("XeroClientId").value,
      clientSecret: new sst.Secret("XeroClientSecret").value,
      authorizationUrl: "https://login.xero.com/identity/connect/authorize",
      tokenUrl: "https://identity.xero.com/connect/token",
      revocationUrl: "https://identity.xero.com/connect/revocation",
      connectionsUrl: "https://api.xero.com/connections",
      apiBaseUrl: "https://api.xero.com/api.xro/2.0",
      webhookKey: new sst.Secret("XeroWebhookKey").value,
    },
  }),
);

/** Where OAuth callbacks and provider notifications come back to: this API's own URL. */
export const integrationSettings = linkable(
  integrationSettingsName,
  new sst.Linkable(integrationSettingsName, { properties: { publicApiUrl: api.url } }),
);
