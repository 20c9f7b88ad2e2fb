import { ApiKeyEntity } from "@crm/core/api-key";
import { describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

// The bound on how long a revoked key may still work in a container that did not revoke it; read once.
const cacheMilliseconds = 1_500;
vi.hoisted(() => {
  process.env.MEMBERSHIP_CACHE_MS = "1500";
  // A caller's window well below the organisation's, so the RateLimit headers show the caller's.
  process.env.RATE_LIMIT_PER_CALLER = "50";
  process.env.RATE_LIMIT_PER_ORGANISATION = "100000";
});

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A key of the organisation with these scopes, created by its admin: its id and the secret to send. */
async function anApiKey(org: TestOrganisation, scopes: string[], extra: Record<string, unknown> = {}) {
  const created = await invoke("apiKeys.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name: "Nightly sync", scopes, ...extra },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, secret: created.body.secret as string, created };
}

describe("API keys", () => {
  it("are created by an admin, shown once, stored as a hash, and listed without their secret", async () => {
    const org = await anOrganisation();
    const { id, secret, created } = await anApiKey(org, ["deals:read", "contacts:write", "contacts:write"]);

    expect(secret).toMatch(/^crm_key_[0-9a-z]{26}\.[A-Za-z0-9_-]{43}$/);
    expect(created.headers.location).toBe(`/v1/orgs/${org.orgId}/api-keys/${id}`);
    expect(created.body).toMatchObject({
      name: "Nightly sync",
      scopes: ["contacts:write", "deals:read"],
      status: "active",
      expiresAt: null,
      lastUsedAt: null,
      createdBy: org.admin.memberId,
      revokedAt: null,
    });
    const { data: stored } = await ApiKeyEntity.get({ orgId: org.orgId, keyId: id }).go();
    expect(JSON.stringify(stored)).not.toContain(secret.split(".")[1]);
    const listed = await invoke("apiKeys.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([expect.objectContaining({ id, status: "active" })]);
    expect(JSON.stringify(listed.body)).not.toContain("secret");
    const read = await invoke("apiKeys.get", { token: org.admin.token, params: { orgId: org.orgId, keyId: id } });
    expect(read.body).not.toHaveProperty("secret");
  });

  it("are managed by admins only, and never with an API key", async () => {
    const org = await anOrganisation();
    const manager = await org.member("manager");
    const asManager = await invoke("apiKeys.create", {
      token: manager.token,
      params: { orgId: org.orgId },
      body: { name: "Mine", scopes: ["contacts:read"] },
    });
    expect(asManager.status).toBe(403);
    const { secret } = await anApiKey(org, ["contacts:write", "deals:write", "members:write"]);
    const withKey = await invoke("apiKeys.create", {
      token: secret,
      params: { orgId: org.orgId },
      body: { name: "Broader", scopes: ["webhooks:write"] },
    });
    expect(withKey.status).toBe(403);
    expect(withKey.body.detail).toMatch(/for people/);
  });

  it("refuse unknown scopes and a past expiry with field paths, and create nothing", async () => {
    const org = await anOrganisation();
    const refused = await invoke("apiKeys.create", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      body: { name: "Bad", scopes: ["contacts:delete"], expiresAt: "2020-01-01T00:00:00.000Z" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      "body.expiresAt",
      "body.scopes.0",
    ]);
    const listed = await invoke("apiKeys.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(listed.body.data).toEqual([]);
  });

  it("act within their scopes: write grants read of the same resource, other resources are 403", async () => {
    const org = await anOrganisation();
    const { secret } = await anApiKey(org, ["contacts:write", "deals:read"]);
    const at = { token: secret, params: { orgId: org.orgId } };

    const contact = await invoke("contacts.create", { ...at, body: { firstName: "Ada", lastName: "Lovelace" } });
    expect(contact.status).toBe(201);
    expect((await invoke("contacts.list", at)).status).toBe(200);
    expect((await invoke("deals.list", at)).status).toBe(200);
    const deal = await invoke("deals.create", { ...at, body: { title: "Engines" } });
    expect(deal.status).toBe(403);
    expect(deal.body.detail).toContain("deals:write");
    expect((await invoke("companies.list", at)).status).toBe(403);
    expect((await invoke("notifications.list", at)).status).toBe(403);
  });

  it("record what they change with the key as the actor, owned by the admin who created the key", async () => {
    const org = await anOrganisation();
    const { id, secret } = await anApiKey(org, ["contacts:write"]);
    const contact = await invoke("contacts.create", {
      token: secret,
      params: { orgId: org.orgId },
      body: { firstName: "Grace", lastName: "Hopper" },
    });

    expect(contact.body.ownerId).toBe(org.admin.memberId);
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: contact.body.id },
    });
    expect(audit.body.data).toEqual([expect.objectContaining({ action: "created", actorId: id })]);
    const ofKey = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: id },
    });
    expect(ofKey.body.data).toEqual([
      expect.objectContaining({ recordType: "apiKey", action: "created", actorId: org.admin.memberId }),
    ]);
  });

  it("record when they were last used", async () => {
    const org = await anOrganisation();
    const { id, secret } = await anApiKey(org, ["contacts:read"]);
    const before = Date.now();
    await invoke("contacts.list", { token: secret, params: { orgId: org.orgId } });

    const read = await invoke("apiKeys.get", { token: org.admin.token, params: { orgId: org.orgId, keyId: id } });
    expect(Date.parse(read.body.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("are the same 404 in another organisation as a stranger's token, and a 403 on routes outside organisations", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const { secret } = await anApiKey(org, ["contacts:write", "organisation:read"]);

    const elsewhere = await invoke("contacts.list", { token: secret, params: { orgId: other.orgId } });
    expect(elsewhere.status).toBe(404);
    expect((await invoke("orgs.get", { token: secret, params: { orgId: other.orgId } })).status).toBe(404);
    expect((await invoke("orgs.list", { token: secret })).status).toBe(403);
    expect((await invoke("orgs.create", { token: secret, body: { name: "Mine" } })).status).toBe(403);
  });

  it("with a wrong secret, a malformed key or after expiry are a 401 like a bad token", async () => {
    const org = await anOrganisation();
    const { id, secret } = await anApiKey(org, ["contacts:read"]);
    const at = (token: string) => invoke("contacts.list", { token, params: { orgId: org.orgId } });

    const wrong = await at(`crm_${id}.${"A".repeat(43)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toContain("invalid_token");
    expect((await at(`${secret}x`)).status).toBe(401);
    expect((await at("crm_")).status).toBe(401);

    const expiring = await anApiKey(org, ["contacts:read"], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await at(expiring.secret)).status).toBe(200);
    await pause(1600);
    const expired = await at(expiring.secret);
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toBe("The API key is expired.");
    const listed = await invoke("apiKeys.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, keyId: expiring.id },
    });
    expect(listed.body.status).toBe("expired");
  });

  it("stop working at once when revoked here, and revoking twice changes nothing", async () => {
    const org = await anOrganisation();
    const { id, secret } = await anApiKey(org, ["contacts:read"]);
    const at = { token: secret, params: { orgId: org.orgId } };
    expect((await invoke("contacts.list", at)).status).toBe(200);

    const revoke = () => invoke("apiKeys.revoke", { token: org.admin.token, params: { orgId: org.orgId, keyId: id } });
    expect((await revoke()).status).toBe(204);
    expect((await invoke("contacts.list", at)).status).toBe(401);
    expect((await revoke()).status).toBe(204);

    const read = await invoke("apiKeys.get", { token: org.admin.token, params: { orgId: org.orgId, keyId: id } });
    expect(read.body).toMatchObject({ status: "revoked", revokedBy: org.admin.memberId });
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: id },
    });
    expect(audit.body.data.map((entry: { action: string }) => entry.action)).toEqual(["revoked", "created"]);
  });

  it("revoked in another container stop working here within the bound, not later", async () => {
    const org = await anOrganisation();
    const { id, secret } = await anApiKey(org, ["contacts:read"]);
    const at = { token: secret, params: { orgId: org.orgId } };
    expect((await invoke("contacts.list", at)).status).toBe(200);

    // Straight in the table, as another container's revoke would be: this container is not told.
    await ApiKeyEntity.patch({ orgId: org.orgId, keyId: id })
      .set({ revokedAt: new Date().toISOString() })
      .go({ response: "none" });
    await pause(cacheMilliseconds + 100);

    expect((await invoke("contacts.list", at)).status).toBe(401);
  });

  it("are rate-limited per key, apart from the admin who created them", async () => {
    const org = await anOrganisation();
    const { secret } = await anApiKey(org, ["contacts:read"]);
    const answer = await invoke("contacts.list", { token: secret, params: { orgId: org.orgId } });
    const byAdmin = await invoke("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });

    // A fresh key's first request leaves all but one of the caller's window; the admin has used several already.
    expect(Number(answer.headers["ratelimit-remaining"])).toBe(Number(answer.headers["ratelimit-limit"]) - 1);
    expect(Number(byAdmin.headers["ratelimit-remaining"])).toBeLessThan(Number(answer.headers["ratelimit-remaining"]));
  });
});
