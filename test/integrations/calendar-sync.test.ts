import { randomUUID } from "node:crypto";
import { SyncStateEntity, syncCalendar } from "@crm/core/integration";
import { type CalendarEventSeed, type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aContact } from "../support/builders";
import { connectGoogle, fakeGoogleClients, linkGoogle, storedConnection } from "../support/integrations";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const publicApiUrl = "http://127.0.0.1:9/";
const seller = "calendar-seller@example.test";
const colleague = "calendar-colleague@example.test";
const resource = "calendar.events";

let google: FakeGoogle;
beforeAll(async () => {
  process.env.PROVIDER_BREAKER_OPEN_SECONDS = "1";
  google = await startFakeGoogle({
    clients: fakeGoogleClients([`${publicApiUrl}v1/integrations/google-calendar/callback`]),
    accounts: [
      { email: seller, name: "Sam Seller" },
      { email: colleague, name: "Cole League" },
    ],
    seedMailboxes: false,
    seedCalendars: false,
  });
  linkGoogle(google.url, publicApiUrl);
});
afterAll(() => google?.close());

/** A fresh event id in Google's alphabet (a–v, 0–9): the calendars are shared by every test of this file. */
const anEventId = () => randomUUID().replaceAll("-", "");

/** A moment `days` from now (negative: in the past) at `hour`:00 UTC. */
function dayAt(days: number, hour: number): Date {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(hour, 0, 0, 0);
  return date;
}

/** Start and end of an event that starts at `start` and lasts `minutes`. */
function timesAt(start: Date, minutes = 45): Pick<CalendarEventSeed, "start" | "end"> {
  return {
    start: { dateTime: start.toISOString() },
    end: { dateTime: new Date(start.getTime() + minutes * 60_000).toISOString() },
  };
}

/** A 45-minute meeting two days ago with these attendees; `overrides` replace any of it. */
function aMeeting(attendees: string[], overrides: Partial<CalendarEventSeed> = {}): CalendarEventSeed & { id: string } {
  return {
    id: anEventId(),
    summary: "Pricing review",
    ...timesAt(dayAt(-2, 10)),
    attendees: attendees.map((email) => ({ email })),
    ...overrides,
  };
}

type TimelineMeeting = { id: string; subject: string; occurredAt: string };

async function meetingsOnTimeline(org: TestOrganisation, contactId: string): Promise<TimelineMeeting[]> {
  const timeline = await invoke("contacts.timeline", {
    token: org.admin.token,
    params: { orgId: org.orgId, contactId },
  });
  expect(timeline.status).toBe(200);
  return (timeline.body.data as { activity?: TimelineMeeting & { type: string } }[])
    .flatMap((entry) => (entry.activity?.type === "meeting" ? [entry.activity] : []))
    .map(({ id, subject, occurredAt }) => ({ id, subject, occurredAt }));
}

async function activity(org: TestOrganisation, activityId: string) {
  return invoke("activities.get", { token: org.admin.token, params: { orgId: org.orgId, activityId } });
}

async function aSyncedCalendar(email = seller) {
  const org = await anOrganisation();
  const client = await aContact(org, { firstName: "Carla", emails: [`carla-${org.orgId}@client.example`] });
  const connection = await connectGoogle(google, org, org.admin, { provider: "google-calendar", email });
  return { org, client, clientEmail: client.emails[0] as string, connectionId: connection.id };
}

const sync = async (org: TestOrganisation, connectionId: string) =>
  syncCalendar(await storedConnection(org, connectionId));

async function syncState(org: TestOrganisation, connectionId: string) {
  const { data } = await SyncStateEntity.get({ orgId: org.orgId, connectionId, resource }).go({ consistent: true });
  return data;
}

/** As if the deferral had passed: the next run may start now. */
async function dueNow(org: TestOrganisation, connectionId: string) {
  await SyncStateEntity.patch({ orgId: org.orgId, connectionId, resource })
    .remove(["deferredUntil"])
    .go()
    .catch(() => undefined);
}

/** The Calendar URLs the code under test fetched while `act` ran. */
async function calendarRequestsDuring(act: () => Promise<unknown>): Promise<URL[]> {
  const spy = vi.spyOn(globalThis, "fetch");
  try {
    await act();
    return spy.mock.calls
      .map(([input]) => new URL(input instanceof Request ? input.url : String(input)))
      .filter((url) => url.pathname.startsWith("/calendar/v3/"));
  } finally {
    spy.mockRestore();
  }
}

describe("syncing Google Calendar", () => {
  it("turns events that invite contacts into meetings on their timelines; events without contacts are not stored", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    const start = dayAt(-2, 10);
    const offsiteDate = dayAt(3, 0).toISOString().slice(0, 10);
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], timesAt(start)));
    google.calendar.upsertEvent(
      seller,
      aMeeting([clientEmail], {
        summary: "Offsite",
        start: { date: offsiteDate },
        end: { date: dayAt(4, 0).toISOString().slice(0, 10) },
      }),
    );
    google.calendar.upsertEvent(seller, aMeeting(["stranger@elsewhere.example"], { summary: "Team lunch" }));
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], { summary: "Ancient", ...timesAt(dayAt(-90, 9)) }));

    expect(await sync(org, connectionId)).toBe("synced");

    const meetings = await meetingsOnTimeline(org, client.id);
    expect(meetings.map((meeting) => meeting.subject).sort()).toEqual(["Offsite", "Pricing review"]);
    const pricing = await activity(org, meetings.find((meeting) => meeting.subject === "Pricing review")?.id ?? "");
    expect(pricing.body).toMatchObject({
      type: "meeting",
      occurredAt: start.toISOString(),
      durationMinutes: 45,
      contactIds: [client.id],
    });
    const offsite = await activity(org, meetings.find((meeting) => meeting.subject === "Offsite")?.id ?? "");
    expect(offsite.body).toMatchObject({ occurredAt: `${offsiteDate}T00:00:00.000Z`, durationMinutes: null });
    expect(await syncState(org, connectionId)).toMatchObject({ itemsSynced: 2, cursor: expect.any(String) });
  });

  it("keeps the sync token and continues incrementally from it, without the full sync's time window", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    await sync(org, connectionId);
    const firstToken = (await syncState(org, connectionId))?.cursor;
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], { summary: "Follow-up" }));

    const requests = await calendarRequestsDuring(() => sync(org, connectionId));

    expect(requests).toHaveLength(1);
    expect(requests[0]?.searchParams.get("syncToken")).toBe(firstToken);
    expect(requests[0]?.searchParams.has("timeMin")).toBe(false);
    expect(requests[0]?.searchParams.get("singleEvents")).toBe("true");
    expect((await syncState(org, connectionId))?.cursor).not.toBe(firstToken);
    expect((await meetingsOnTimeline(org, client.id)).map((meeting) => meeting.subject)).toEqual(["Follow-up"]);
  });

  it("updates a changed event's meeting in place, and a run that brings nothing new changes nothing", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    const event = aMeeting([clientEmail]);
    google.calendar.upsertEvent(seller, event);
    await sync(org, connectionId);
    const [before] = await meetingsOnTimeline(org, client.id);
    const colleagueContact = await aContact(org, { emails: [`ada-${org.orgId}@client.example`] });

    const moved = dayAt(1, 14);
    google.calendar.upsertEvent(seller, {
      id: event.id,
      summary: "Pricing review (moved)",
      ...timesAt(moved, 30),
      attendees: [{ email: clientEmail }, { email: colleagueContact.emails[0] }],
    });
    await sync(org, connectionId);

    const updated = await activity(org, before?.id ?? "");
    expect(updated.body).toMatchObject({
      subject: "Pricing review (moved)",
      occurredAt: moved.toISOString(),
      durationMinutes: 30,
      version: 2,
    });
    expect(updated.body.contactIds.sort()).toEqual([client.id, colleagueContact.id].sort());
    expect((await meetingsOnTimeline(org, client.id)).map((meeting) => meeting.id)).toEqual([before?.id]);

    // A change the meeting does not show (the description), then a full resync: both see the same meeting.
    google.calendar.upsertEvent(seller, { id: event.id, description: "Agenda attached" });
    await sync(org, connectionId);
    google.calendar.invalidateSyncTokens(seller);
    await sync(org, connectionId);
    expect((await activity(org, before?.id ?? "")).body.version).toBe(2);
  });

  it("removes the meeting of a cancelled event", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    const event = aMeeting([clientEmail]);
    google.calendar.upsertEvent(seller, event);
    await sync(org, connectionId);
    const [meeting] = await meetingsOnTimeline(org, client.id);

    google.calendar.cancelEvent(seller, event.id);
    expect(await sync(org, connectionId)).toBe("synced");

    expect(await meetingsOnTimeline(org, client.id)).toEqual([]);
    expect((await activity(org, meeting?.id ?? "")).status).toBe(404);
    expect(await sync(org, connectionId)).toBe("synced");
  });

  it("makes one meeting of an event on two members' calendars, and either calendar's changes reach it", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    const member = await org.member("member");
    const second = await connectGoogle(google, org, member, { provider: "google-calendar", email: colleague });
    const event = aMeeting([clientEmail, colleague], { summary: "Kick-off" });
    google.calendar.upsertEvent(seller, event);
    google.calendar.upsertEvent(colleague, { ...event, organizer: { email: seller } });

    await sync(org, connectionId);
    await sync(org, second.id);
    expect((await meetingsOnTimeline(org, client.id)).map((meeting) => meeting.subject)).toEqual(["Kick-off"]);

    google.calendar.cancelEvent(colleague, event.id);
    await sync(org, second.id);
    expect(await meetingsOnTimeline(org, client.id)).toEqual([]);
  });

  it("resyncs in full when Google no longer accepts the sync token (410), without duplicating", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], { summary: "First" }));
    await sync(org, connectionId);
    google.calendar.invalidateSyncTokens(seller);
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], { summary: "Second" }));

    expect(await sync(org, connectionId)).toBe("synced");

    expect((await meetingsOnTimeline(org, client.id)).map((meeting) => meeting.subject).sort()).toEqual([
      "First",
      "Second",
    ]);
    const log = await invoke("integrations.logs", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(log.body.data.map((entry: { status: number }) => entry.status)).toContain(410);
  });
});

describe("when Google Calendar struggles", () => {
  it("a 429 defers the work without counting as a failure, and the next run syncs", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    google.calendar.upsertEvent(seller, aMeeting([clientEmail]));
    google.calendar.failNext(1, { status: 429 }); // rate limits are not retried: one attempt, one fault

    expect(await sync(org, connectionId)).toBe("deferred");
    expect(await syncState(org, connectionId)).toMatchObject({
      consecutiveFailures: 0,
      deferredUntil: expect.any(String),
    });
    expect(await sync(org, connectionId)).toBe("skipped");

    await dueNow(org, connectionId);
    expect(await sync(org, connectionId)).toBe("synced");
    expect(await meetingsOnTimeline(org, client.id)).toHaveLength(1);
  });

  it("an outage defers (and opens the breaker); once Google is back the next run catches up", async () => {
    const { org, client, clientEmail, connectionId } = await aSyncedCalendar();
    google.calendar.upsertEvent(seller, aMeeting([clientEmail], { summary: "During the outage" }));
    google.calendar.failNext(5, { status: 503 }); // three attempts in the first run, two more open the breaker
    const runWhenDue = async () => {
      await dueNow(org, connectionId);
      return sync(org, connectionId);
    };

    expect(await runWhenDue()).toBe("deferred");
    expect(await runWhenDue()).toBe("deferred");
    const during = await invoke("integrations.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, connectionId },
    });
    expect(during.body.circuit).toBe("open");
    expect(await meetingsOnTimeline(org, client.id)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the breaker's open second passes
    expect(await runWhenDue()).toBe("synced");
    expect((await meetingsOnTimeline(org, client.id)).map((meeting) => meeting.subject)).toEqual(["During the outage"]);
  });
});
