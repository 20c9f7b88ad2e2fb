import { randomUUID } from "node:crypto";
import { busSubscriptions } from "@crm/core/declarations";
import { runRequestedSync, SyncStateEntity } from "@crm/core/integration";
import { startHttpGateway } from "@crm/local/gateway";
import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
import { connectGoogle, fakeGoogleClients, linkGoogle } from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const planner = "channel-planner@example.test";

let gateway: Awaited<ReturnType<typeof startHttpGateway>>;
let google: FakeGoogle;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
let notificationsUrl: string;

// Notifications come over real HTTP: the fake's Calendar posts to the local gateway, which runs the real receiver;
// the sync request it puts on the local bus runs the real subscriber.
beforeAll(async () => {
  gateway = await startHttpGateway({ port: 0 });
  notificationsUrl = `${gateway.url}/v1/integrations/google-calendar/notifications`;
  google = await startFakeGoogle({
    clients: fakeGoogleClients([`${gateway.url}/v1/integrations/google-calendar/callback`]),
    accounts: [{ email: planner, name: "Pia Planner" }],
    seedMailboxes: false,
    seedCalendars: false,
    calendar: { notificationRetryDelaysMs: [50, 100] },
  });
  linkGoogle(google.url, `${gateway.url}/`);
  pipeline = await startEventPipeline({ integrationSync: busSubscriptions.integrationSync });
});
afterAll(async () => {
  await google?.close();
  await pipeline?.stop();
  await gateway?.close();
});

const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000);

async function meetingSubjects(org: TestOrganisation, contactId: string) {
  const timeline = await invoke("contacts.timeline", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId },
  });
  return (timeline.body.data as { activity?: { type: string; subject: string } }[])
    .filter((entry) => entry.activity?.type === "meeting")
    .map((entry) => entry.activity?.subject);
}

async function aWatchedCalendar() {
  const org = await anOrganisation();
  const client = await aContact(org, { emails: [`guest-${org.orgId}@customer.example`] });
  const connection = await connectGoogle(google, org, org.admin, { email: planner, provider: "google-calendar" });
  const request = { provider: "google-calendar" as const, orgId: org.orgId, connectionId: connection.id };
  expect(await runRequestedSync(request)).toBe("synced");
  const channel = google.calendar.channels().find((each) => each.address === notificationsUrl);
  expect(channel).toBeDefined();
  return { org, client, clientEmail: client.emails[0] as string, connectionId: connection.id, request };
}

describe("Calendar watch channels", () => {
  it("opens a channel after the first sync, acknowledges its sync message, and a changed event arrives by itself", async () => {
    const { org, client, clientEmail } = await aWatchedCalendar();
    await eventually(() =>
      expect(google.calendar.notifications()).toContainEqual(
        expect.objectContaining({ resourceState: "sync", messageNumber: 1, delivered: true, status: 200 }),
      ),
    );
    const start = inTwoDays();
    google.calendar.upsertEvent(planner, {
      id: randomUUID().replaceAll("-", ""),
      summary: "Signing call",
      start: { dateTime: start.toISOString() },
      end: { dateTime: new Date(start.getTime() + 30 * 60_000).toISOString() },
      attendees: [{ email: clientEmail }],
    });
    await eventually(async () => expect(await meetingSubjects(org, client.id)).toEqual(["Signing call"]));
  }, 60_000); // a chain over HTTP and the bus: generous under a shared machine's load

  it("refuses a notification with a wrong channel token, an unknown channel or another resource", async () => {
    await aWatchedCalendar();
    const channel = google.calendar.channels().at(-1);
    if (!channel) throw new Error("no channel");
    const send = (headers: Record<string, string>) =>
      fetch(notificationsUrl, {
        method: "POST",
        headers: {
          "x-goog-channel-id": channel.id,
          "x-goog-resource-id": channel.resourceId,
          "x-goog-resource-state": "exists",
          "x-goog-message-number": "7",
          "x-goog-channel-token": channel.token ?? "",
          ...headers,
        },
      });
    expect((await send({ "x-goog-channel-token": "guessed" })).status).toBe(401);
    expect((await send({ "x-goog-channel-id": randomUUID() })).status).toBe(401);
    expect((await send({ "x-goog-resource-id": "another-resource" })).status).toBe(401);
    expect((await send({})).status).toBe(200);
  });

  it("replaces a channel that is about to expire: a new one first, then the old one stopped", async () => {
    const { org, connectionId, request } = await aWatchedCalendar();
    const keys = { orgId: org.orgId, connectionId, resource: "calendar.events" };
    const { data: before } = await SyncStateEntity.get(keys).go({ consistent: true });
    await SyncStateEntity.patch(keys)
      .set({ watchExpiresAt: new Date(Date.now() + 3_600_000).toISOString() })
      .go();
    expect(await runRequestedSync(request)).toBe("synced");
    const { data: after } = await SyncStateEntity.get(keys).go({ consistent: true });
    expect(after?.watchId).not.toBe(before?.watchId);
    const ids = google.calendar.channels().map((channel) => channel.id);
    expect(ids).toContain(after?.watchId);
    expect(ids).not.toContain(before?.watchId);
  });

  it("stops the channel when the connection is disconnected", async () => {
    const { org, connectionId } = await aWatchedCalendar();
    const keys = { orgId: org.orgId, connectionId, resource: "calendar.events" };
    const { data: state } = await SyncStateEntity.get(keys).go({ consistent: true });
    const removed = await invoke("integrations.delete", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(removed.status).toBe(204);
    expect(google.calendar.channels().map((channel) => channel.id)).not.toContain(state?.watchId);
  });
});
