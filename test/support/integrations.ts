import { googleSettingsName, integrationSettingsName, type ProviderId } from "@crm/core/declarations";
import { ConnectionEntity, connectionIdFor } from "@crm/core/integration";
import { seal } from "@crm/core/vault";
import type { GoogleSettings, IntuitSettings, XeroSettings } from "@crm/local/cloud";
import { type FakeGoogle, googleSettingsFor as localGoogleSettings } from "@crm/local/google";
import { intuitEndpointsFor } from "@crm/local/intuit";
import { xeroEndpointsFor } from "@crm/local/xero";
import { expect } from "vitest";
import { invoke } from "./api-events";
import type { Person, TestOrganisation } from "./organisations";

/** The OAuth client the tests register with the fake Google (and link the API to). */
export const testGoogleClient = { clientId: "crm-test.apps.googleusercontent.com", clientSecret: "fake-client-secret" };
export const testPushServiceAccount = "gmail-push@crm-test.iam.gserviceaccount.com";

/** Google settings whose every URL points at the fake's origin, as the local cloud links them. */
export function googleSettingsFor(origin: string): GoogleSettings {
  return localGoogleSettings(origin, testGoogleClient, {
    topic: "projects/crm-test/topics/gmail",
    serviceAccount: testPushServiceAccount,
  });
}

/** The OAuth clients the tests register with the fake Intuit and the fake Xero. */
export const testIntuitClient = { clientId: "crm-test-intuit", clientSecret: "fake-intuit-secret" };
export const testXeroClient = { clientId: "crm-test-xero", clientSecret: "fake-xero-secret" };
export const testIntuitVerifierToken = "fake-intuit-verifier-token";
export const testXeroWebhookKey = "fake-xero-webhook-key";

/** Intuit settings pointing at a fake Intuit's origin. */
export function intuitSettingsFor(origin: string): IntuitSettings {
  return { ...testIntuitClient, ...intuitEndpointsFor(origin), webhookVerifierToken: testIntuitVerifierToken };
}

/** Xero settings pointing at a fake Xero's origin. */
export function xeroSettingsFor(origin: string): XeroSettings {
  return { ...testXeroClient, ...xeroEndpointsFor(origin), webhookKey: testXeroWebhookKey };
}

/** Links this test file's handlers to a provider's settings, before anything reads them (once per process). */
export function linkProviderSettings(name: "Intuit" | "Xero", settings: IntuitSettings | XeroSettings): void {
  process.env[`SST_RESOURCE_${name}`] = JSON.stringify({ ...settings, type: "sst.sst.Linkable" });
}

/**
 * Links the handlers of this test file to a Google (the fake's origin) and to the API's public URL, before anything
 * reads them: the configuration is read once per process.
 */
export function linkGoogle(origin: string, publicApiUrl = "http://127.0.0.1:9/"): void {
  process.env[`SST_RESOURCE_${googleSettingsName}`] = JSON.stringify({
    ...googleSettingsFor(origin),
    type: "sst.sst.Linkable",
  });
  const integrations = JSON.parse(process.env[`SST_RESOURCE_${integrationSettingsName}`] ?? "{}");
  process.env[`SST_RESOURCE_${integrationSettingsName}`] = JSON.stringify({ ...integrations, publicApiUrl });
}

/** Starts a fake Google that knows the test client and the given callback URLs. */
export function fakeGoogleClients(redirectUris: string[]) {
  return [{ ...testGoogleClient, redirectUris }];
}

export type FakeGoogleHandle = FakeGoogle;

/**
 * A connection stored directly, with sealed placeholder tokens, for tests about who may see or remove a connection
 * (the OAuth flow itself is tested end to end against the fake Google).
 */
export async function aStoredConnection(
  org: TestOrganisation,
  owner: Person,
  provider: ProviderId = "google-gmail",
  account: { accessToken?: string; refreshToken?: string; accountKey?: string; accountName?: string } = {},
): Promise<{ connectionId: string }> {
  const accountId = `sub-${owner.memberId}`;
  const organisationOwned = provider === "quickbooks" || provider === "xero";
  const ownerMemberId = organisationOwned ? "organisation" : owner.memberId;
  const connectionId = connectionIdFor(org.orgId, provider, ownerMemberId, organisationOwned ? "" : accountId);
  const keys = { orgId: org.orgId, connectionId };
  const at = new Date().toISOString();
  await ConnectionEntity.create({
    ...keys,
    provider,
    ownerMemberId,
    accountId,
    accountKey: account.accountKey ?? owner.email,
    accountName: account.accountName ?? owner.email,
    grantedScopes: ["openid", "email"],
    status: "active",
    sealedAccessToken: await seal(account.accessToken ?? "placeholder-access-token", { ...keys, token: "access" }),
    sealedRefreshToken: await seal(account.refreshToken ?? "placeholder-refresh-token", { ...keys, token: "refresh" }),
    accessTokenExpiresAt: Date.now() + 3_600_000,
    createdBy: owner.memberId,
    createdAt: at,
    updatedAt: at,
  }).go();
  return { connectionId };
}

/**
 * Connects a person's Google account through the real flow: the connect route, the fake's consent page, the
 * callback route. Returns the callback's connection.
 */
export async function connectGoogle(
  google: FakeGoogle,
  org: TestOrganisation,
  person: Person,
  account: { email: string; provider?: ProviderId; scopes?: string[] },
) {
  const provider = account.provider ?? "google-gmail";
  const started = await invoke("integrations.connect", { token: person.token, params: { orgId: org.orgId, provider } });
  expect(started.status).toBe(200);
  const location = await google.consent(started.body.authorizationUrl, {
    email: account.email,
    ...(account.scopes ? { scopes: account.scopes } : {}),
  });
  const query = Object.fromEntries(new URL(location).searchParams);
  const callback = await invoke("integrations.callback", { params: { provider }, query });
  expect(callback.status, JSON.stringify(callback.body)).toBe(200);
  return callback.body as { id: string; status: string };
}

/** The stored connection, as the sync jobs read it. */
export async function storedConnection(org: TestOrganisation, connectionId: string) {
  const { data } = await ConnectionEntity.get({ orgId: org.orgId, connectionId }).go({ consistent: true });
  if (!data) throw new Error(`No connection ${connectionId}`);
  return data;
}
