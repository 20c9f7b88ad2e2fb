import type { GoogleSettings } from "../cloud/handler-environment";

/**
 * The Google settings (`Resource.Google`) for a fake Google at `origin`: every URL on the fake's one origin, with
 * Google's own paths, so the base URLs are the only difference from AWS.
 */
export function googleSettingsFor(
  origin: string,
  client: { clientId: string; clientSecret: string },
  push: { topic: string; serviceAccount: string },
): GoogleSettings {
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    authorizationUrl: `${origin}/o/oauth2/v2/auth`,
    tokenUrl: `${origin}/token`,
    revocationUrl: `${origin}/revoke`,
    jwksUrl: `${origin}/oauth2/v3/certs`,
    gmailBaseUrl: origin,
    calendarBaseUrl: origin,
    pubsubTopic: push.topic,
    pushServiceAccount: push.serviceAccount,
  };
}
