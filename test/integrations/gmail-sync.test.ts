import { SyncStateEntity, syncGmail } from "@crm/core/integration";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import {
  connectGoogle,
  fakeGoogleClients,
  linkGoogle,
  storedConnection,
  testPushServiceAccount,
} from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const publicApiUrl = "http://127.0.0.1:9/";
const seller = "seller@example.test";
const colleague = "colleague@example.test";

let google: FakeGoogle;
beforeAll(async () => {
  process.env.PROVIDER_BREAKER_OPEN_SECONDS = "1";
  google = await startFakeGoogle({
    clients: fakeGoogleClients([`${publicApiUrl}v1/integrations/google-gmail/callback`]),
    accounts: [
      { email: seller, name: "Sam Seller" },
      { email: colleague, name: "Cole League" },
    ],
    seedMailboxes: false,
    seedCalendars: false,
    pushServiceAccount: testPushServiceAccount,
    gmail: { notificationIntervalMs: 0 },
  });
  linkGoogle(google.url, publicApiUrl);
});
afterAll(() => google?.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function emailsOnTimeline(org: TestOrganisation, contactId: string) {
  const timeline = await invoke("contacts.timeline", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId },
  });
  expect(timeline.status).toBe(200);
  return (timeline.body.data as { kind: string; activity?: { type: string; subject: string } }[])
    .filter((entry) => entry.activity?.type === "email")
    .map((entry) => entry.activity?.subject);
}

async function aSyncedMailbox(email = seller) {
  const org = await anOrganisation();
  const client = await aContact(org, { firstName: "Carla", emails: [`carla-${org.orgId}@client.example`] });
  const connection = await connectGoogle(google, org, org.admin, { email });
  return { org, client, clientEmail: client.emails[0] as string, connectionId: connection.id };
}

const sync = async (org: TestOrganisation, connectionId: string) =>
  syncGmail(await storedConnection(org, connectionId));

async function syncState(org: TestOrganisation, connectionId: string) {
  const { data } = await SyncStateEntity.get({ orgId: org.orgId, connectionId, resource: "gmail.messages" }).go({
    consistent: true,
  });
  return data;
}

/** As if the deferral had passed: the next run may start now. */
async function dueNow(org: TestOrganisation, connectionId: string) {
  await SyncStateEntity.patch({ orgId: org.orgId, connectionId, resource: "gmail.messages" })
    .remove(["deferredUntil"])
    .go()
    .catch(() => undefined);
}

describe("syncing Gmail", () => {
  it("turns the last 90 days' messages with contacts into email activities; other addresses are not stored", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedMailbox();
    google.gmail.addMessage(seller, {
      from: `Carla <${clientEmail}>`,
      to: seller,
      subject: "Pricing",
      date: daysAgo(3),
    });
    google.gmail.addMessage(seller, { from: seller, to: "stranger@elsewhere.example", subject: "Lunch?" });
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "Ancient", date: daysAgo(120) });
    expect(await sync(org, connectionId)).toBe("synced");
    expect(await emailsOnTimeline(org, client.id)).toEqual(["Pricing"]);
    const search = await invoke("search.query", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { q: "stranger" },
    });
    expect(search.body.data).toEqual([]);
    expect((await syncState(org, connectionId))?.cursor).toBe(google.gmail.historyId(seller));
  });

  it("then syncs incrementally from the stored history id, and a second run of the same changes adds nothing", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedMailbox();
    await sync(org, connectionId);
    google.gmail.addMessage(seller, { from: seller, to: clientEmail, subject: "Proposal attached" });
    await sync(org, connectionId);
    await sync(org, connectionId);
    expect(await emailsOnTimeline(org, client.id)).toEqual(["Proposal attached"]);
    const historyCalls = google.gmail.requests().filter((request) => request.operation === "history.list");
    expect(historyCalls.length).toBeGreaterThan(0);
  });

  it("makes one activity of a message that two members' mailboxes both hold", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedMailbox();
    const member = await org.member("member");
    const second = await connectGoogle(google, org, member, { email: colleague });
    google.gmail.deliver({ from: clientEmail, to: [seller, colleague], subject: "Kick-off" });
    await sync(org, connectionId);
    await sync(org, second.id);
    expect(await emailsOnTimeline(org, client.id)).toEqual(["Kick-off"]);
  });

  it("resyncs from scratch when Gmail no longer has the stored history, without duplicating", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedMailbox();
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "First", date: daysAgo(1) });
    await sync(org, connectionId);
    google.gmail.expireHistory(seller);
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "Second" });
    expect(await sync(org, connectionId)).toBe("synced");
    expect((await emailsOnTimeline(org, client.id)).sort()).toEqual(["First", "Second"]);
  });
});

describe("when Gmail struggles", () => {
  it("a 429 storm defers the work each time without counting as failures or opening the breaker", async () => {
    const { org, connectionId } = await aSyncedMailbox();
    for (let run = 0; run < 6; run++) {
      await dueNow(org, connectionId);
      google.gmail.failNext(1, { status: 429 });
      expect(await sync(org, connectionId)).toBe("deferred");
    }
    const state = await syncState(org, connectionId);
    expect(state).toMatchObject({ consecutiveFailures: 0, deferredUntil: expect.any(String) });
    const connection = await invoke("integrations.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(connection.body).toMatchObject({
      circuit: "closed",
      sync: [expect.objectContaining({ resource: "gmail.messages", deferredUntil: expect.any(String) })],
    });
    await dueNow(org, connectionId);
    expect(await sync(org, connectionId)).toBe("synced");
  });

  it("an outage opens the breaker and defers; once Gmail is back the next run catches up without duplicates", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedMailbox();
    google.gmail.addMessage(seller, { from: clientEmail, to: seller, subject: "During the outage", date: daysAgo(1) });
    google.gmail.failNext(5, { status: 503 }); // three attempts in the first run, two more open the breaker
    const runUntilDue = async () => {
      await dueNow(org, connectionId);
      return sync(org, connectionId);
    };
    expect(await runUntilDue()).toBe("deferred");
    expect(await runUntilDue()).toBe("deferred");
    const during = await invoke("integrations.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(during.body.circuit).toBe("open");
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(log.body.data.map((entry: { errorClass?: string }) => entry.errorClass)).toContain("server_error");
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the breaker's open second passes
    expect(await runUntilDue()).toBe("synced");
    expect(await runUntilDue()).toBe("synced");
    expect(await emailsOnTimeline(org, client.id)).toEqual(["During the outage"]);
  });

  it("three failed runs in a row tell the owner, once", async () => {
    const { org, connectionId } = await aSyncedMailbox();
    // Runs 1 and 2 fail and open the breaker; runs 3 and 4 each fail their one trial call.
    google.gmail.failNext(7, { status: 500 });
    for (let run = 0; run < 4; run++) {
      await dueNow(org, connectionId);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await sync(org, connectionId);
    }
    const notifications = await invoke("notifications.list", { token: org.admin.token, params: { orgId: org.orgId } });
    expect(notifications.body.data.filter((n: { kind: string }) => n.kind === "integration.sync_failed")).toHaveLength(
      1,
    );
  });
});
