import { z } from "zod";
import {
  googleSettingsName,
  integrationSettingsName,
  intuitSettingsName,
  oauthStateSigningKeyName,
  xeroSettingsName,
} from "../../declarations/integrations";
import { type ConfigSource, linkedFrom, once, parseConfig, runtimeConfigSource } from "./configuration";

const integrationsConfigSchema = z.object({
  /** `Resource.Integrations.publicApiUrl`: where OAuth callbacks and provider notifications are sent. */
  publicApiUrl: z.url(linkedFrom(integrationSettingsName)),
  /** `Resource.OAuthStateSigningKey.value`: the HMAC key of OAuth `state` values. */
  stateSigningKey: z.string(linkedFrom(oauthStateSigningKeyName)).min(16),
});

export type IntegrationsConfig = z.infer<typeof integrationsConfigSchema>;

/** The integrations' shared configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readIntegrationsConfig(source: ConfigSource): IntegrationsConfig {
  return parseConfig("integrations", integrationsConfigSchema, {
    publicApiUrl: source.linked(integrationSettingsName)?.publicApiUrl,
    stateSigningKey: source.linked(oauthStateSigningKeyName)?.value,
  });
}

/** Parsed on first use: the tests link their fakes only once those have started. */
export const integrationsConfig = once(() => readIntegrationsConfig(runtimeConfigSource));

const url = z.url(linkedFrom(googleSettingsName));
const googleConfigSchema = z.object({
  clientId: z.string(linkedFrom(googleSettingsName)).min(1),
  clientSecret: z.string(linkedFrom(googleSettingsName)).min(1),
  /** Google's endpoints in AWS (accounts.google.com, oauth2.googleapis.com, …), the local fake's here. */
  authorizationUrl: url,
  tokenUrl: url,
  revocationUrl: url,
  jwksUrl: url,
  gmailBaseUrl: url,
  calendarBaseUrl: url,
  /** The Pub/Sub topic Gmail publishes mailbox changes to (`projects/P/topics/T`). */
  pubsubTopic: z.string(linkedFrom(googleSettingsName)).regex(/^projects\/[^/]+\/topics\/[^/]+$/),
  /** The service account the push subscription signs its OIDC tokens as (their `email` claim). */
  pushServiceAccount: z.email(linkedFrom(googleSettingsName)),
  /** The audience the push subscription puts in its tokens; the push endpoint's URL when unset. */
  pushAudience: z.string().min(1).optional(),
});

export type GoogleConfig = z.infer<typeof googleConfigSchema>;

/** Google's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readGoogleConfig(source: ConfigSource): GoogleConfig {
  const linked = source.linked(googleSettingsName) ?? {};
  return parseConfig("google", googleConfigSchema, {
    clientId: linked.clientId,
    clientSecret: linked.clientSecret,
    authorizationUrl: linked.authorizationUrl,
    tokenUrl: linked.tokenUrl,
    revocationUrl: linked.revocationUrl,
    jwksUrl: linked.jwksUrl,
    gmailBaseUrl: linked.gmailBaseUrl,
    calendarBaseUrl: linked.calendarBaseUrl,
    pubsubTopic: linked.pubsubTopic,
    pushServiceAccount: linked.pushServiceAccount,
    pushAudience: linked.pushAudience || undefined,
  });
}

/** Parsed on first use, like the other integration settings. */
export const googleConfig = once(() => readGoogleConfig(runtimeConfigSource));

const providerCallsConfigSchema = z.object({
  /** How long a connection's breaker stays open before one trial call; the tests shorten it. */
  breakerOpenSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** One attempt's time limit: a provider that has not answered by then is failing; the tests shorten it. */
  attemptTimeoutSeconds: z.coerce.number().int().min(1).max(60).default(10),
});

export type ProviderCallsConfig = z.infer<typeof providerCallsConfigSchema>;

/** The provider calls' tuning as `source` gives it (`PROVIDER_BREAKER_OPEN_SECONDS`, `PROVIDER_ATTEMPT_TIMEOUT_SECONDS`). */
export function readProviderCallsConfig(source: ConfigSource): ProviderCallsConfig {
  return parseConfig("provider calls", providerCallsConfigSchema, {
    breakerOpenSeconds: source.variable("PROVIDER_BREAKER_OPEN_SECONDS"),
    attemptTimeoutSeconds: source.variable("PROVIDER_ATTEMPT_TIMEOUT_SECONDS"),
  });
}

export const providerCallsConfig = once(() => readProviderCallsConfig(runtimeConfigSource));

/** The fields of a linked resource, or an empty record (the schema then names what is missing). */
const fieldsOf = (source: ConfigSource, name: string) => source.linked(name) ?? {};

const intuitConfigSchema = z.object({
  clientId: z.string(linkedFrom(intuitSettingsName)).min(1),
  clientSecret: z.string(linkedFrom(intuitSettingsName)).min(1),
  /** Intuit's endpoints in AWS (appcenter.intuit.com, oauth.platform.intuit.com, …), the local fake's here. */
  authorizationUrl: z.url(linkedFrom(intuitSettingsName)),
  tokenUrl: z.url(linkedFrom(intuitSettingsName)),
  revocationUrl: z.url(linkedFrom(intuitSettingsName)),
  /** `https://quickbooks.api.intuit.com` (or the sandbox); paths `/v3/company/{realmId}/…` follow. */
  accountingBaseUrl: z.url(linkedFrom(intuitSettingsName)),
  /** The verifier token that signs Intuit's webhooks (`intuit-signature`). */
  webhookVerifierToken: z.string(linkedFrom(intuitSettingsName)).min(1),
});
export type IntuitConfig = z.infer<typeof intuitConfigSchema>;

/** QuickBooks Online's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readIntuitConfig(source: ConfigSource): IntuitConfig {
  const linked = fieldsOf(source, intuitSettingsName);
  return parseConfig("intuit", intuitConfigSchema, {
    clientId: linked.clientId,
    clientSecret: linked.clientSecret,
    authorizationUrl: linked.authorizationUrl,
    tokenUrl: linked.tokenUrl,
    revocationUrl: linked.revocationUrl,
    accountingBaseUrl: linked.accountingBaseUrl,
    webhookVerifierToken: linked.webhookVerifierToken,
  });
}

export const intuitConfig = once(() => readIntuitConfig(runtimeConfigSource));

const xeroConfigSchema = z.object({
  clientId: z.string(linkedFrom(xeroSettingsName)).min(1),
  clientSecret: z.string(linkedFrom(xeroSettingsName)).min(1),
  /** Xero's endpoints in AWS (login.xero.com, identity.xero.com, api.xero.com), the local fake's here. */
  authorizationUrl: z.url(linkedFrom(xeroSettingsName)),
  tokenUrl: z.url(linkedFrom(xeroSettingsName)),
  revocationUrl: z.url(linkedFrom(xeroSettingsName)),
  connectionsUrl: z.url(linkedFrom(xeroSettingsName)),
  /** `https://api.xero.com/api.xro/2.0`. */
  apiBaseUrl: z.url(linkedFrom(xeroSettingsName)),
  /** The key that signs Xero's webhooks (`x-xero-signature`). */
  webhookKey: z.string(linkedFrom(xeroSettingsName)).min(1),
});
export type XeroConfig = z.infer<typeof xeroConfigSchema>;

/** Xero's configuration as `source` gives it; throws a ConfigurationError naming what is wrong. */
export function readXeroConfig(source: ConfigSource): XeroConfig {
  const linked = fieldsOf(source, xeroSettingsName);
  return parseConfig("xero", xeroConfigSchema, {
    clientId: linked.clientId,
    clientSecret: linked.clientSecret,
    authorizationUrl: linked.authorizationUrl,
    tokenUrl: linked.tokenUrl,
    revocationUrl: linked.revocationUrl,
    connectionsUrl: linked.connectionsUrl,
    apiBaseUrl: linked.apiBaseUrl,
    webhookKey: linked.webhookKey,
  });
}

export const xeroConfig = once(() => readXeroConfig(runtimeConfigSource));
