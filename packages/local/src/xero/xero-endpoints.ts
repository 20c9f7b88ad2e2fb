/** Every URL the CRM's Xero client needs, for a Xero (or fake Xero) whose hosts are given. */
export type XeroEndpoints = {
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  connectionsUrl: string;
  /** The Accounting API's base, without a trailing slash. */
  apiBaseUrl: string;
  jwksUrl: string;
};

/** Xero's own endpoints (login, identity and API hosts), from xero-node and Xero's OpenAPI. */
export const xeroProductionEndpoints: XeroEndpoints = {
  authorizationUrl: "https://login.xero.com/identity/connect/authorize",
  tokenUrl: "https://identity.xero.com/connect/token",
  revocationUrl: "https://identity.xero.com/connect/revocation",
  connectionsUrl: "https://api.xero.com/connections",
  apiBaseUrl: "https://api.xero.com/api.xro/2.0",
  jwksUrl: "https://identity.xero.com/.well-known/openid-configuration/jwks",
};

/** The same endpoints on a fake Xero's one origin: Xero's paths, so the base URLs are the only difference. */
export function xeroEndpointsFor(origin: string): XeroEndpoints {
  const base = origin.replace(/\/+$/, "");
  return {
    authorizationUrl: `${base}/identity/connect/authorize`,
    tokenUrl: `${base}/connect/token`,
    revocationUrl: `${base}/connect/revocation`,
    connectionsUrl: `${base}/connections`,
    apiBaseUrl: `${base}/api.xro/2.0`,
    jwksUrl: `${base}/.well-known/openid-configuration/jwks`,
  };
}
