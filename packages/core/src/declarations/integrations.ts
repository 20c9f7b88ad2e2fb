/**
 * The integrations, declared once: which providers exist, whom a connection belongs to, and the names of the
 * resources their functions are linked to. `stacks/integrations.ts` creates the resources under these names, the
 * configuration reads them back as `Resource.<name>`, and the local cloud links its fakes the same way.
 * Free of runtime dependencies: SST's config loader imports it.
 */

/** Logical name of the KMS key whose data keys encrypt OAuth tokens and webhook signing secrets (`Resource.TokenVault`). */
export const tokenVaultName = "TokenVault";

/** Logical name of the HMAC key that signs OAuth `state` values: an `sst.Secret`. */
export const oauthStateSigningKeyName = "OAuthStateSigningKey";

/**
 * Logical name of the Google settings: the OAuth client, the endpoints (Google's own in AWS, the local fake's here)
 * and what the Pub/Sub push subscription signs with. An `sst.Linkable`.
 */
export const googleSettingsName = "Google";

/** Logical name of the QuickBooks Online (Intuit) settings: client, endpoints, webhook verifier token. */
export const intuitSettingsName = "Intuit";

/** Logical name of the Xero settings: client, endpoints, webhook key. */
export const xeroSettingsName = "Xero";

/**
 * Logical name of the settings every integration function shares: the public base URL of the HTTP API, which
 * OAuth callbacks and provider notifications are sent to. An `sst.Linkable`.
 */
export const integrationSettingsName = "Integrations";

/** Whom a connection belongs to: a member's own mailbox or calendar, or the organisation's books. */
export type ConnectionOwner = "member" | "organisation";

export type ProviderDeclaration = {
  readonly owner: ConnectionOwner;
  readonly displayName: string;
};

/** Every provider a connection can be made to; the path segment of `/integrations/{provider}/…`. */
export const providers = {
  "google-gmail": { owner: "member", displayName: "Gmail" },
  "google-calendar": { owner: "member", displayName: "Google Calendar" },
  quickbooks: { owner: "organisation", displayName: "QuickBooks Online" },
  xero: { owner: "organisation", displayName: "Xero" },
} as const satisfies Record<string, ProviderDeclaration>;

export type ProviderId = keyof typeof providers;
export const providerIds = Object.keys(providers) as [ProviderId, ...ProviderId[]];
