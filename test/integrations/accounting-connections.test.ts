import { ConnectionEntity } from "@crm/core/integration";
import { type FakeIntuit, startFakeIntuit } from "@crm/local/intuit";
import { type FakeXero, startFakeXero } from "@crm/local/xero";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import {
  intuitSettingsFor,
  linkProviderSettings,
  testIntuitClient,
  testXeroClient,
  xeroSettingsFor,
} from "../support/integrations";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";

const callbackOf = (provider: string) => `http://127.0.0.1:9/v1/integrations/${provider}/callback`;

let intuit: FakeIntuit;
let xero: FakeXero;
// Both rotate refresh tokens, and both punish a replayed superseded token by revoking the whole grant: the worst
// case, which the platform's lease and token version must never trigger.
beforeAll(async () => {
  intuit = await startFakeIntuit({
    clients: [{ ...testIntuitClient, redirectUris: [callbackOf("quickbooks")] }],
    rotation: "every-refresh",
    revokeFamilyOnReuse: true,
  });
  xero = await startFakeXero({
    clients: [{ ...testXeroClient, redirectUris: [callbackOf("xero")] }],
    revokeFamilyOnReuse: true,
  });
  linkProviderSettings("Intuit", intuitSettingsFor(intuit.url));
  linkProviderSettings("Xero", xeroSettingsFor(xero.url));
});
afterAll(async () => {
  await intuit?.close();
  await xero?.close();
});

async function startConnecting(org: TestOrganisation, person: Person, provider: "quickbooks" | "xero") {
  return invoke("integrations.connect", { token: person.token, params: { orgId: org.orgId, provider } });
}

const queryOf = (location: string) => Object.fromEntries(new URL(location).searchParams);

async function connectQuickBooks(org: TestOrganisation) {
  const realm = intuit.books.realms()[0];
  if (!realm) throw new Error("the fake has no company");
  const started = await startConnecting(org, org.admin, "quickbooks");
  const location = await intuit.consent(started.body.authorizationUrl, { realmId: realm.realmId });
  const callback = await invoke("integrations.callback", {
    params: { provider: "quickbooks" },
    query: queryOf(location),
  });
  return { realm, callback };
}

async function connectXero(org: TestOrganisation, tenantIds = [xero.tenants()[0]?.tenantId as string]) {
  const started = await startConnecting(org, org.admin, "xero");
  const location = await xero.consent(started.body.authorizationUrl, { tenantIds });
  return invoke("integrations.callback", { params: { provider: "xero" }, query: queryOf(location) });
}

describe("connecting the organisation's books", () => {
  it("an admin connects QuickBooks: the company (realm) is the account", async () => {
    const org = await anOrganisation();
    const { realm, callback } = await connectQuickBooks(org);
    expect(callback.status, JSON.stringify(callback.body)).toBe(200);
    expect(callback.body).toMatchObject({
      provider: "quickbooks",
      owner: { type: "organisation" },
      account: { id: realm.realmId, name: realm.companyName },
      status: "active",
    });
  });

  it("only admins connect the organisation's books", async () => {
    const org = await anOrganisation();
    const manager = await org.member("manager");
    const refused = await startConnecting(org, manager, "quickbooks");
    expect(refused.status).toBe(403);
  });

  it("one connection per organisation and provider: connecting again renews it", async () => {
    const org = await anOrganisation();
    const first = await connectQuickBooks(org);
    const second = await connectQuickBooks(org);
    expect(second.callback.body.id).toBe(first.callback.body.id);
  });

  it("Xero with one organisation chosen connects it; with two, the connection waits for an admin's choice", async () => {
    const [first, second] = xero.tenants();
    if (!first || !second) throw new Error("the fake needs two organisations");
    const one = await connectXero(await anOrganisation());
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toMatchObject({ provider: "xero", status: "active", account: { name: first.tenantName } });
    const both = await connectXero(await anOrganisation(), [first.tenantId, second.tenantId]);
    expect(both.body).toMatchObject({ status: "pending", statusReason: expect.stringMatching(/Choose/) });
  });
});

describe("refreshing rotating tokens from many containers at once", () => {
  /**
   * Twenty module instances are twenty containers: each has its own in-process single flight, so only the lease and
   * the token version keep them from racing the token endpoint.
   */
  async function containers(count: number) {
    const modules = [];
    for (let index = 0; index < count; index++) {
      vi.resetModules();
      modules.push(await import("@crm/core/integration"));
    }
    return modules;
  }

  async function expire(keys: { orgId: string; connectionId: string }) {
    await ConnectionEntity.patch(keys).set({ accessTokenExpiresAt: 0 }).go();
  }

  const neverReauth = async () => {
    throw new Error("no re-authorisation expected");
  };

  it.each([
    ["QuickBooks", "quickbooks"],
    ["Xero", "xero"],
  ] as const)(
    "%s: 20 concurrent refreshes make one token call and lose no token, twice over",
    async (_name, provider) => {
      const org = await anOrganisation();
      const connected = provider === "quickbooks" ? (await connectQuickBooks(org)).callback : await connectXero(org);
      const keys = { orgId: org.orgId, connectionId: connected.body.id as string };
      const fake = provider === "quickbooks" ? intuit.oauth : xero.identity;
      const twenty = await containers(20);
      for (const round of [1, 2]) {
        await expire(keys);
        const before = fake.tokenRequests();
        const tokens = await Promise.all(twenty.map((container) => container.accessTokenFor(keys, neverReauth)));
        expect(new Set(tokens).size, `round ${round}`).toBe(1);
        expect(fake.tokenRequests() - before, `round ${round}`).toBe(1);
        expect(fake.familyRevoked(), `round ${round}`).toBe(false);
      }
      const stored = (await ConnectionEntity.get(keys).go({ consistent: true })).data;
      expect(stored?.tokenVersion).toBe(3);
      expect(["active", "pending"]).toContain(stored?.status); // Xero waits for a choice when the user reaches two organisations
      expect(stored?.leaseOwner).toBeUndefined();
    },
  );
});
