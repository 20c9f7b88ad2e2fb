/** Where the CRM reaches Intuit: the only settings that differ between the fake and production. */
export type IntuitEndpoints = {
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  userInfoUrl: string;
  jwksUrl: string;
  /** The Accounting API's base; requests go to `${accountingBaseUrl}/v3/company/{realmId}/…`. */
  accountingBaseUrl: string;
};

/** Intuit's production endpoints (INTEGRATIONS.md §4); the sandbox differs only in the Accounting API's host. */
export const intuitProductionEndpoints: IntuitEndpoints = {
  authorizationUrl: "https://appcenter.intuit.com/connect/oauth2",
  tokenUrl: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revocationUrl: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
  userInfoUrl: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
  jwksUrl: "https://oauth.platform.intuit.com/op/v1/jwks",
  accountingBaseUrl: "https://quickbooks.api.intuit.com",
};

/** The same endpoints on a fake Intuit's one origin, with Intuit's own paths. */
export function intuitEndpointsFor(origin: string): IntuitEndpoints {
  return {
    authorizationUrl: `${origin}/connect/oauth2`,
    tokenUrl: `${origin}/oauth2/v1/tokens/bearer`,
    revocationUrl: `${origin}/v2/oauth2/tokens/revoke`,
    userInfoUrl: `${origin}/v1/openid_connect/userinfo`,
    jwksUrl: `${origin}/op/v1/jwks`,
    accountingBaseUrl: origin,
  };
}
