import { createHmac } from "node:crypto";
import { accessTokenFor, ConnectionEntity, connectionNeedsReauth } from "@crm/core/integration";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { fakeGoogleClients, linkGoogle } from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const publicApiUrl = "http://127.0.0.1:9/";
const gmailCallback = `${publicApiUrl}v1/integrations/google-gmail/callback`;
const calendarCallback = `${publicApiUrl}v1/integrations/google-calendar/callback`;

let google: FakeGoogle;
beforeAll(async () => {
  google = await startFakeGoogle({ clients: fakeGoogleClients([gmailCallback, calendarCallback]) });
  linkGoogle(google.url, publicApiUrl);
});
afterAll(() => google?.close());

async function startConnecting(org: TestOrganisation, provider = "google-gmail") {
  const started = await invoke("integrations.connect", {
    token: org.admin.token,
    params: { orgId: org.orgId, provider },
  });
  expect(started.status).toBe(200);
  return started.body.authorizationUrl as string;
}

/** The query the provider's redirect carries back to the callback. */
function callbackQueryOf(location: string): Record<string, string> {
  return Object.fromEntries(new URL(location).searchParams);
}

async function connectAlice(org: TestOrganisation, scopes?: string[], email = "alice@example.com") {
  const location = await google.consent(await startConnecting(org), {
    email,
    ...(scopes ? { scopes } : {}),
  });
  const query = callbackQueryOf(location);
  const callback = await invoke("integrations.callback", { params: { provider: "google-gmail" }, query });
  return { query, callback };
}

describe("connecting a Google account", () => {
  it("asks Google for offline access with consent, PKCE S256 and a state", async () => {
    const org = await anOrganisation();
    const url = new URL(await startConnecting(org));
    expect(url.origin).toBe(google.url);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      access_type: "offline",
      prompt: "consent",
      code_challenge_method: "S256",
      redirect_uri: gmailCallback,
      client_id: expect.any(String),
      state: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(url.searchParams.get("scope")?.split(" ")).toContain("https://www.googleapis.com/auth/gmail.metadata");
  });

  it("completes on the callback: the connection is active, lists the granted scopes and shows no token", async () => {
    const org = await anOrganisation();
    const { callback } = await connectAlice(org);
    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({
      provider: "google-gmail",
      owner: { type: "member", memberId: org.admin.memberId },
      account: { name: "alice@example.com" },
      status: "active",
      missingScopes: [],
    });
    expect(JSON.stringify(callback.body)).not.toMatch(/token/i);
    const listed = await invoke("integrations.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data.map((connection: { id: string }) => connection.id)).toEqual([callback.body.id]);
    const stored = await ConnectionEntity.get({ orgId: org.orgId, connectionId: callback.body.id }).go();
    expect(stored.data?.sealedRefreshToken).toMatch(/^v1\./);
  });

  it("refuses a replayed callback and never exchanges the code twice", async () => {
    const org = await anOrganisation();
    const { query, callback } = await connectAlice(org);
    expect(callback.status).toBe(200);
    const exchanges = google.oauth.tokenRequests();
    const replay = await invoke("integrations.callback", { params: { provider: "google-gmail" }, query });
    expect(replay.status).toBe(409);
    expect(replay.body.type).toMatch(/oauth-state-used$/);
    expect(google.oauth.tokenRequests()).toBe(exchanges);
  });

  it("refuses a forged state, and one issued for another provider, without calling Google", async () => {
    const org = await anOrganisation();
    const location = await google.consent(await startConnecting(org), { email: "alice@example.com" });
    const query = callbackQueryOf(location);
    const [payload, mac] = (query.state as string).split(".");
    const claims = JSON.parse(Buffer.from(payload as string, "base64url").toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, orgId: "org_someoneelse" })).toString("base64url");
    const exchanges = google.oauth.tokenRequests();
    const forged = await invoke("integrations.callback", {
      params: { provider: "google-gmail" },
      query: { ...query, state: `${forgedPayload}.${mac}` },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.type).toMatch(/invalid-oauth-state$/);
    const otherProvider = await invoke("integrations.callback", { params: { provider: "google-calendar" }, query });
    expect(otherProvider.status).toBe(400);
    expect(google.oauth.tokenRequests()).toBe(exchanges);
    const genuine = await invoke("integrations.callback", { params: { provider: "google-gmail" }, query });
    expect(genuine.status).toBe(200);
  });

  it("refuses an expired state", async () => {
    const org = await anOrganisation();
    const location = await google.consent(await startConnecting(org), { email: "alice@example.com" });
    const query = callbackQueryOf(location);
    const claims = JSON.parse(Buffer.from((query.state as string).split(".")[0] as string, "base64url").toString());
    const key = JSON.parse(process.env.SST_RESOURCE_OAuthStateSigningKey as string).value as string;
    const expiredPayload = Buffer.from(JSON.stringify({ ...claims, expiresAt: claims.expiresAt - 3600 })).toString(
      "base64url",
    );
    const signature = createHmac("sha256", key).update(`oauth-state\n${expiredPayload}`).digest("base64url");
    const expired = await invoke("integrations.callback", {
      params: { provider: "google-gmail" },
      query: { ...query, state: `${expiredPayload}.${signature}` },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.detail).toMatch(/expired/);
  });

  it("shows a partial grant as needing re-authorisation, naming what is missing", async () => {
    const org = await anOrganisation();
    // Victor, whom no other test connects: Google adds the scopes an account granted before (include_granted_scopes).
    const { callback } = await connectAlice(org, ["openid", "email"], "victor@example.com");
    expect(callback.status).toBe(200);
    expect(callback.body).toMatchObject({
      status: "needs_reauth",
      missingScopes: ["https://www.googleapis.com/auth/gmail.metadata"],
      statusReason: expect.stringContaining("gmail.metadata"),
    });
  });

  it("answers a refusal at Google with 400 and creates nothing", async () => {
    const org = await anOrganisation();
    const location = await google.consent(await startConnecting(org), "deny");
    const denied = await invoke("integrations.callback", {
      params: { provider: "google-gmail" },
      query: callbackQueryOf(location),
    });
    expect(denied.status).toBe(400);
    expect(denied.body.type).toMatch(/authorization-denied$/);
    const listed = await invoke("integrations.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([]);
  });

  it("reconnecting the same account renews the same connection", async () => {
    const org = await anOrganisation();
    const first = await connectAlice(org);
    const second = await connectAlice(org);
    expect(second.callback.body.id).toBe(first.callback.body.id);
    const listed = await invoke("integrations.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toHaveLength(1);
  });
});

describe("who sees and removes a connection", () => {
  it("a member sees their own connections but not another member's; an admin sees both", async () => {
    const org = await anOrganisation();
    const { callback } = await connectAlice(org);
    const member = await org.member("member");
    const asMember = await invoke("integrations.list", { token: member.token, params: { orgId: org.orgId } });
    expect(asMember.body.data).toEqual([]);
    const hidden = await invoke("integrations.get", {
      token: member.token,
      params: { orgId: org.orgId, connectionId: callback.body.id },
    });
    expect(hidden.status).toBe(404);
    const removal = await invoke("integrations.delete", {
      token: member.token,
      params: { orgId: org.orgId, connectionId: callback.body.id },
    });
    expect(removal.status).toBe(404);
  });

  it("disconnecting revokes the grant at Google and removes the connection", async () => {
    const org = await anOrganisation();
    const { callback } = await connectAlice(org);
    const connectionId = callback.body.id as string;
    const liveGrants = () => google.oauth.grants().filter((grant) => !grant.revoked).length;
    const before = liveGrants();
    const removed = await invoke("integrations.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(removed.status).toBe(204);
    expect(liveGrants()).toBe(before - 1);
    const gone = await invoke("integrations.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(gone.status).toBe(404);
  });
});

describe("refreshing tokens", () => {
  async function anExpiredConnection() {
    const org = await anOrganisation();
    const { callback } = await connectAlice(org);
    const keys = { orgId: org.orgId, connectionId: callback.body.id as string };
    await ConnectionEntity.patch(keys).set({ accessTokenExpiresAt: 0 }).go();
    return { org, keys };
  }
  const noReauth = async () => {
    throw new Error("The grant is fine; no re-authorisation expected.");
  };

  it("20 concurrent callers make one call to the token endpoint and get the same token", async () => {
    const { keys } = await anExpiredConnection();
    const before = google.oauth.tokenRequests();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => accessTokenFor(keys, noReauth)));
    expect(new Set(tokens).size).toBe(1);
    expect(google.oauth.tokenRequests() - before).toBe(1);
    const stored = (await ConnectionEntity.get(keys).go({ consistent: true })).data;
    expect(stored?.tokenVersion).toBe(2);
    expect(stored?.leaseOwner).toBeUndefined();
  });

  it("a caller that finds another container's lease waits for its refresh instead of refreshing too", async () => {
    const { keys } = await anExpiredConnection();
    await ConnectionEntity.patch(keys)
      .set({ leaseOwner: "another-container", leaseExpiresAt: Date.now() + 30_000 })
      .go();
    const before = google.oauth.tokenRequests();
    const waiting = accessTokenFor(keys, noReauth);
    const { data } = await ConnectionEntity.get(keys).go({ consistent: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The other container finishes: new tokens, a new version, the lease released.
    await ConnectionEntity.patch(keys)
      .set({
        sealedAccessToken: data?.sealedAccessToken as string,
        accessTokenExpiresAt: Date.now() + 3_600_000,
        tokenVersion: (data?.tokenVersion ?? 1) + 1,
      })
      .remove(["leaseOwner", "leaseExpiresAt"])
      .go();
    await expect(waiting).resolves.toEqual(expect.any(String));
    expect(google.oauth.tokenRequests()).toBe(before);
  });

  it("a revoked grant ends in needs_reauth, with a notification for the owner and an integration event", async () => {
    const { org, keys } = await anExpiredConnection();
    google.oauth.revokeAccount("alice@example.com");
    await expect(accessTokenFor(keys, connectionNeedsReauth)).rejects.toThrow(/connect again/);
    const connection = await invoke("integrations.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId: keys.connectionId },
    });
    expect(connection.body).toMatchObject({ status: "needs_reauth", statusReason: expect.stringMatching(/again/) });
    const notifications = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(notifications.body.data).toEqual([
      expect.objectContaining({
        kind: "integration.needs_reauth",
        subject: { type: "integration", id: keys.connectionId },
      }),
    ]);
    const audit = await invoke("audit.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(audit.body.data.map((entry: { action: string }) => entry.action)).toContain("needs_reauth");
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId: keys.connectionId },
    });
    expect(log.body.data[0]).toMatchObject({ operation: "oauth.refresh", status: 400, errorClass: "invalid_grant" });
  });
});
