import { type ConnectionOwner, type ProviderId, providers } from "../../declarations/integrations";
import { googleConfig, intuitConfig, xeroConfig } from "../../platform/config/integrations.config";
import type { CallbackQuery } from "./connection.schema";
import { ProviderUnavailableError } from "./integration.errors";
import type { OAuthClientSettings, TokenResponse } from "./oauth.client";

/** Which account a grant is for, as a connection records it. */
export type AccountIdentity = {
  accountId: string;
  /** What the provider's notifications name the account by (see the entity); empty while a choice is pending. */
  accountKey: string;
  accountName: string;
  /** Set when the account has several organisations and an admin must choose one (Xero). */
  pendingChoice?: string;
};

/** What the OAuth flow needs to know of a provider: its client, the scopes to ask for, and its extra parameters. */
export type ProviderProfile = {
  id: ProviderId;
  owner: ConnectionOwner;
  oauth: () => OAuthClientSettings;
  /** Everything the integration needs; a grant without one of them leaves the connection needing re-authorisation. */
  scopes: readonly string[];
  /** Query parameters of the authorization URL besides the standard ones. */
  authorizationParameters: Readonly<Record<string, string>>;
  /** The account the tokens are for, from the token response, the callback and, if need be, the provider. */
  identify: (tokens: TokenResponse, callback: CallbackQuery, settings: OAuthClientSettings) => Promise<AccountIdentity>;
};

type IdClaims = { sub?: string; email?: string; aud?: string | string[]; xero_userid?: string };

/**
 * The claims of an ID token that came straight from the token endpoint over TLS: its signature need not be checked
 * (OpenID Connect Core 3.1.3.7), its audience still must be this client.
 */
function idTokenClaims(provider: ProviderId, idToken: string | undefined, clientId: string): IdClaims {
  const payload = idToken?.split(".")[1];
  if (!payload) throw new ProviderUnavailableError(provider, "The provider sent no ID token.");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as IdClaims;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!claims.sub || !audiences.includes(clientId)) {
    throw new ProviderUnavailableError(provider, "The provider's ID token does not name this client's account.");
  }
  return claims;
}

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

async function identifyGoogleAccount(
  tokens: TokenResponse,
  _callback: CallbackQuery,
  settings: OAuthClientSettings,
): Promise<AccountIdentity> {
  const claims = idTokenClaims("google-gmail", tokens.idToken, settings.clientId);
  if (!claims.email) throw new ProviderUnavailableError("google", "The provider's ID token names no email address.");
  const email = claims.email.toLowerCase();
  return { accountId: claims.sub as string, accountKey: email, accountName: email };
}

/** The connected QuickBooks company: the realm id Intuit put on the callback, and its name. */
async function identifyQuickBooksCompany(tokens: TokenResponse, callback: CallbackQuery): Promise<AccountIdentity> {
  const realmId = callback.realmId;
  if (!realmId) throw new ProviderUnavailableError("quickbooks", "Intuit's callback named no company (realmId).");
  let name = `QuickBooks company ${realmId}`;
  try {
    const response = await fetch(
      `${intuitConfig().accountingBaseUrl.replace(/\/$/, "")}/v3/company/${realmId}/companyinfo/${realmId}?minorversion=75`,
      {
        headers: { authorization: `Bearer ${tokens.accessToken}`, accept: "application/json" },
        signal: AbortSignal.timeout(10_000),
      },
    );
    const body = (await response.json()) as { CompanyInfo?: { CompanyName?: string } };
    if (response.ok && body.CompanyInfo?.CompanyName) name = body.CompanyInfo.CompanyName;
  } catch {
    // The name is for people; the realm id is what matters, and the next sync can try again.
  }
  return { accountId: realmId, accountKey: realmId, accountName: name };
}

/**
 * The Xero organisations the grant reaches (`GET /connections`): with one, it is the connection's tenant; with
 * several, an admin chooses (`PUT …/integrations/{id}/tenant`) and the connection waits as `pending`.
 */
async function identifyXeroTenant(
  tokens: TokenResponse,
  _callback: CallbackQuery,
  settings: OAuthClientSettings,
): Promise<AccountIdentity> {
  const claims = tokens.idToken ? idTokenClaims("xero", tokens.idToken, settings.clientId) : undefined;
  const tenants = await xeroTenants(tokens.accessToken);
  const accountId = claims?.xero_userid ?? claims?.sub ?? tenants[0]?.authEventId ?? "xero";
  if (tenants.length === 1) {
    const [tenant] = tenants as [XeroTenant];
    return { accountId, accountKey: tenant.tenantId, accountName: tenant.tenantName };
  }
  if (tenants.length === 0) throw new ProviderUnavailableError("xero", "The grant reaches no Xero organisation.");
  return {
    accountId,
    accountKey: "",
    accountName: "Xero",
    pendingChoice: `Choose which of ${tenants.length} Xero organisations to sync (GET …/tenants, then PUT …/tenant).`,
  };
}

export type XeroTenant = { tenantId: string; tenantName: string; tenantType: string; authEventId?: string };

/** The organisations a Xero access token reaches, as `GET /connections` lists them. */
export async function xeroTenants(accessToken: string): Promise<XeroTenant[]> {
  let response: Response;
  try {
    response = await fetch(xeroConfig().connectionsUrl, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ProviderUnavailableError("xero", "Xero's connections endpoint did not answer.", undefined, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new ProviderUnavailableError("xero", `Xero's connections endpoint answered ${response.status}.`);
  }
  const body = (await response.json()) as XeroTenant[];
  return body.filter((tenant) => tenant.tenantType === "ORGANISATION");
}

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
    identify: identifyGoogleAccount,
  },
  "google-calendar": {
    id: "google-calendar",
    owner: providers["google-calendar"].owner,
    oauth: googleOAuth,
    // Read-only events on every calendar the user can see: enough for meetings, no write access.
    scopes: ["openid", "email", "https://www.googleapis.com/auth/calendar.events.readonly"],
    authorizationParameters: googleParameters,
    identify: identifyGoogleAccount,
  },
  quickbooks: {
    id: "quickbooks",
    owner: providers.quickbooks.owner,
    oauth: () => {
      const config = intuitConfig();
      return {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        authorizationUrl: config.authorizationUrl,
        tokenUrl: config.tokenUrl,
        revocationUrl: config.revocationUrl,
      };
    },
    // Accounting only: customers, invoices and payments; no payments processing, no payroll.
    scopes: ["com.intuit.quickbooks.accounting"],
    authorizationParameters: {},
    identify: identifyQuickBooksCompany,
  },
  xero: {
    id: "xero",
    owner: providers.xero.owner,
    oauth: () => {
      const config = xeroConfig();
      return {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        authorizationUrl: config.authorizationUrl,
        tokenUrl: config.tokenUrl,
        revocationUrl: config.revocationUrl,
      };
    },
    // Granular scopes (apps created after March 2026 have no accounting.transactions): contacts, invoices and
    // payments, and offline_access for a refresh token.
    scopes: [
      "openid",
      "profile",
      "email",
      "offline_access",
      "accounting.contacts",
      "accounting.invoices",
      "accounting.payments",
    ],
    authorizationParameters: {},
    identify: identifyXeroTenant,
  },
};
