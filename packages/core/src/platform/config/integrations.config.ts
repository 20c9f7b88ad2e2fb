import { z } from "zod";
import { googleSettingsName, integrationSettingsName, oauthStateSigningKeyName } from "../../declarations/integrations";
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
});

export type ProviderCallsConfig = z.infer<typeof providerCallsConfigSchema>;

/** The provider calls' tuning as `source` gives it (`PROVIDER_BREAKER_OPEN_SECONDS`). */
export function readProviderCallsConfig(source: ConfigSource): ProviderCallsConfig {
  return parseConfig("provider calls", providerCallsConfigSchema, {
    breakerOpenSeconds: source.variable("PROVIDER_BREAKER_OPEN_SECONDS"),
  });
}

export const providerCallsConfig = once(() => readProviderCallsConfig(runtimeConfigSource));
