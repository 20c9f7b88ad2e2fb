import { type ConnectionOwner, type ProviderId, providers } from "../../declarations/integrations";
import { googleConfig } from "../../platform/config/integrations.config";
import type { OAuthClientSettings } from "./oauth.client";

/** What the OAuth flow needs to know of a provider: its client, the scopes to ask for, and its extra parameters. */
export type ProviderProfile = {
  id: ProviderId;
  owner: ConnectionOwner;
  oauth: () => OAuthClientSettings;
  /** Everything the integration needs; a grant without one of them leaves the connection needing re-authorisation. */
  scopes: readonly string[];
  /** Query parameters of the authorization URL besides the standard ones. */
  authorizationParameters: Readonly<Record<string, string>>;
};

const googleOAuth = (): OAuthClientSettings => {
  const config = googleConfig();
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorizationUrl: config.authorizationUrl,
    tokenUrl: config.tokenUrl,
    revocationUrl: config.revocationUrl,
  };
};

// `offline` for a refresh token; `consent` because Google sends a refresh token only when the consent screen was
// shown, so reconnecting an account that had already consented would otherwise leave us without one.
const googleParameters = { access_type: "offline", prompt: "consent", include_granted_scopes: "true" } as const;

/** Every provider's profile. */
export const providerProfiles: Record<ProviderId, ProviderProfile> = {
  "google-gmail": {
    id: "google-gmail",
    owner: providers["google-gmail"].owner,
    oauth: googleOAuth,
    // Metadata, not readonly: headers (From/To/Cc/Subject/Date) are all a timeline needs, and Google refuses message
    // bodies to this scope, so the API can never store what it has no use for.
    scopes: ["openid", "email", "https://www.googleapis.com/auth/gmail.metadata"],
    authorizationParameters: googleParameters,
  },
  "google-calendar": {
    id: "google-calendar",
    owner: providers["google-calendar"].owner,
    oauth: googleOAuth,
    // Read-only events on every calendar the user can see: enough for meetings, no write access.
    scopes: ["openid", "email", "https://www.googleapis.com/auth/calendar.events.readonly"],
    authorizationParameters: googleParameters,
  },
};
