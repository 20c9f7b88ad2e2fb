import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGoogleAuthority, FakeResponse, GoogleAccount, TokenGrant } from "@crm/local/google";
import {
  type CalendarEventSeed,
  createFakeCalendar,
  demoCalendars,
  type FakeCalendar,
  type FakeCalendarOptions,
} from "@crm/local/google";
import { demoContacts, demoPeople } from "@crm/local/seed";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

const scope = (name: string) => `https://www.googleapis.com/auth/${name}`;
const alice: GoogleAccount = { email: "alice@example.com", name: "Alice Admin", sub: "100000000000000000001" };
const bob: GoogleAccount = { email: "bob@example.com", name: "Bob Member", sub: "100000000000000000002" };
const clientId = "crm-local.apps.googleusercontent.com";
const grants = new Map<string, TokenGrant>([
  ["alice-calendar", { account: alice, scopes: [scope("calendar.events.readonly")], clientId }],
  ["alice-gmail", { account: alice, scopes: [scope("gmail.readonly")], clientId }],
  ["alice-freebusy", { account: alice, scopes: [scope("calendar.events.freebusy")], clientId }],
  ["bob-calendar", { account: bob, scopes: [scope("calendar.readonly")], clientId }],
]);

const start = Date.UTC(2026, 10, 19, 9, 0, 0);
const clock = { now: start };
const authority: FakeGoogleAuthority = {
  grantOf: (authorization) => {
    const match = /^Bearer (\S+)$/.exec(authorization ?? "");
    return match?.[1] ? grants.get(match[1]) : undefined;
  },
  now: () => clock.now,
};

const hour = 3600_000;
const day = 24 * hour;
const at = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
/** A one-hour meeting starting `offsetHours` from the test's start. */
const meeting = (id: string, offsetHours: number, extra: Partial<CalendarEventSeed> = {}): CalendarEventSeed => ({
  id,
  summary: `Meeting ${id}`,
  start: { dateTime: at(start + offsetHours * hour), timeZone: "UTC" },
  end: { dateTime: at(start + (offsetHours + 1) * hour), timeZone: "UTC" },
  ...extra,
});

type Call = { method?: string; token?: string | null; query?: Record<string, string | string[]>; body?: unknown };

async function call(fake: FakeCalendar, path: string, options: Call = {}): Promise<FakeResponse> {
  const url = new URL(`http://127.0.0.1:4010${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, one);
  }
  const token = options.token === undefined ? "alice-calendar" : options.token;
  const response = await fake.route({
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: Buffer.from(options.body === undefined ? "" : JSON.stringify(options.body)),
  });
  if (!response) throw new Error(`The calendar module did not take ${path}`);
  return response;
}

type EventsPage = {
  kind: string;
  items: { id: string; status: string; summary?: string; sequence?: number; [field: string]: unknown }[];
  nextPageToken?: string;
  nextSyncToken?: string;
  [field: string]: unknown;
};
const eventsPath = "/calendar/v3/calendars/primary/events";

async function listPage(fake: FakeCalendar, query: Record<string, string | string[]> = {}, token?: string) {
  const response = await call(fake, eventsPath, { query, ...(token ? { token } : {}) });
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  return response.json as EventsPage;
}

/** Follows nextPageToken with the same query, as a client must, and returns every page. */
async function listAll(fake: FakeCalendar, query: Record<string, string> = {}, token?: string) {
  const pages: EventsPage[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listPage(fake, { ...query, ...(pageToken ? { pageToken } : {}) }, token);
    pages.push(page);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const syncToken = pages.at(-1)?.nextSyncToken;
  if (!syncToken) throw new Error("The last page has no nextSyncToken");
  return { pages, items: pages.flatMap((page) => page.items), syncToken };
}

const errorOf = (response: FakeResponse) =>
  (response.json as { error: { code: number; message: string; errors: Record<string, string>[] } }).error;

type Received = { headers: IncomingHttpHeaders; body: string; path: string };

/** A notification receiver on loopback; answers each request with the next queued status, then 200. */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString(), path: request.url ?? "" });
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/google/calendar/notifications`,
    received,
    answerNext: (...next: number[]) => statuses.push(...next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const opened: FakeCalendar[] = [];
function fakeCalendar(options: FakeCalendarOptions = {}): FakeCalendar {
  const fake = createFakeCalendar(authority, { notificationRetryDelaysMs: [10, 20, 40], ...options });
  opened.push(fake);
  return fake;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
  clock.now = start;
});

describe("the fake Google Calendar's events.list", () => {
  it("pages a full sync with nextPageToken and gives nextSyncToken only on the last page", async () => {
    const fake = fakeCalendar({
      seed: { [alice.email]: ["a0001", "a0002", "a0003", "a0004", "a0005"].map((id, i) => meeting(id, i)) },
    });
    const { pages, items } = await listAll(fake, { maxResults: "2", singleEvents: "true" });

    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    for (const page of pages.slice(0, -1)) {
      expect(page.nextPageToken).toEqual(expect.any(String));
      expect(page).not.toHaveProperty("nextSyncToken");
    }
    expect(pages.at(-1)).not.toHaveProperty("nextPageToken");
    expect(items.map((item) => item.id)).toEqual(["a0001", "a0002", "a0003", "a0004", "a0005"]);
    expect(pages[0]).toMatchObject({
      kind: "calendar#events",
      etag: expect.any(String),
      summary: alice.email,
      updated: expect.any(String),
      timeZone: "UTC",
      accessRole: "owner",
    });
    expect(items[0]).toMatchObject({
      kind: "calendar#event",
      id: "a0001",
      etag: expect.stringMatching(/^"\d+"$/),
      status: "confirmed",
      htmlLink: expect.stringMatching(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/),
      created: "2026-11-19T09:00:00.000Z",
      updated: "2026-11-19T09:00:00.000Z",
      summary: "Meeting a0001",
      creator: { email: alice.email, self: true },
      organizer: { email: alice.email, self: true },
      start: { dateTime: "2026-11-19T09:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2026-11-19T10:00:00Z", timeZone: "UTC" },
      iCalUID: "a0001@google.com",
      sequence: 0,
    });
  });

  it("lists attendees as Google does: the organizer flagged and the account marked self", async () => {
    const fake = fakeCalendar({
      seed: {
        [alice.email]: [
          meeting("a0001", 0, { attendees: [{ email: "ada.lovelace@globex.example", responseStatus: "accepted" }] }),
          meeting("a0002", 2, {
            organizer: { email: "joan.clarke@hooli.example", displayName: "Joan Clarke" },
            attendees: [{ email: "joan.clarke@hooli.example", displayName: "Joan Clarke", responseStatus: "accepted" }],
          }),
          { id: "a0003", summary: "Expo", start: { date: "2026-11-20" }, end: { date: "2026-11-22" } },
        ],
      },
    });
    const [own, invited, allDay] = (await listPage(fake)).items;
    expect(own?.attendees).toEqual([
      { email: alice.email, organizer: true, self: true, responseStatus: "accepted" },
      { email: "ada.lovelace@globex.example", responseStatus: "accepted" },
    ]);
    expect(invited).toMatchObject({ organizer: { email: "joan.clarke@hooli.example", displayName: "Joan Clarke" } });
    expect(invited?.organizer).not.toHaveProperty("self");
    expect(invited?.attendees).toEqual([
      { email: "joan.clarke@hooli.example", displayName: "Joan Clarke", organizer: true, responseStatus: "accepted" },
      { email: alice.email, self: true, responseStatus: "needsAction" },
    ]);
    expect(allDay).toMatchObject({ start: { date: "2026-11-20" }, end: { date: "2026-11-22" } });
  });

  it("returns only the changes since the sync token on an incremental sync, cancellations in Google's minimal shape", async () => {
    const fake = fakeCalendar({
      seed: { [alice.email]: [meeting("a0001", 0), meeting("a0002", 1), meeting("a0003", 2)] },
    });
    const full = await listAll(fake);
    expect(full.items).toHaveLength(3);

    clock.now += 60_000;
    fake.upsertEvent(alice.email, {
      id: "a0002",
      summary: "Moved and renamed",
      start: meeting("x", 5).start,
      end: meeting("x", 6).end,
    });
    fake.cancelEvent(alice.email, "a0003");
    fake.upsertEvent(alice.email, meeting("a0004", 8));

    const incremental = await listAll(fake, { syncToken: full.syncToken });
    expect(incremental.items.map((item) => [item.id, item.status])).toEqual([
      ["a0002", "confirmed"],
      ["a0003", "cancelled"],
      ["a0004", "confirmed"],
    ]);
    expect(incremental.items[0]).toMatchObject({
      summary: "Moved and renamed",
      sequence: 1,
      updated: "2026-11-19T09:01:00.000Z",
    });
    expect(incremental.items[0]?.etag).not.toBe(full.items[1]?.etag);
    expect(incremental.items[1]).toEqual({
      kind: "calendar#event",
      etag: expect.any(String),
      id: "a0003",
      status: "cancelled",
    });

    const nothingNew = await listAll(fake, { syncToken: incremental.syncToken });
    expect(nothingNew.items).toEqual([]);
    // A full sync leaves the cancelled event out unless showDeleted is set.
    expect((await listAll(fake)).items.map((item) => item.id)).toEqual(["a0001", "a0002", "a0004"]);
    expect((await listAll(fake, { showDeleted: "true" })).items.map((item) => item.id)).toContain("a0003");
  });

  it("pages an incremental sync with the same syncToken plus pageToken, the new sync token on the last page", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)] } });
    const { syncToken } = await listAll(fake);
    for (const id of ["a0002", "a0003", "a0004"]) fake.upsertEvent(alice.email, meeting(id, 1));

    const first = await listPage(fake, { syncToken, maxResults: "2" });
    expect(first.items.map((item) => item.id)).toEqual(["a0002", "a0003"]);
    expect(first).not.toHaveProperty("nextSyncToken");
    const last = await listPage(fake, { syncToken, maxResults: "2", pageToken: first.nextPageToken ?? "" });
    expect(last.items.map((item) => item.id)).toEqual(["a0004"]);
    expect(last.nextSyncToken).toEqual(expect.any(String));
    expect(last).not.toHaveProperty("nextPageToken");
  });

  it("loses no change made while a full sync is being paged: the next incremental list returns it", async () => {
    const fake = fakeCalendar({
      seed: { [alice.email]: [meeting("a0001", 0), meeting("a0002", 1), meeting("a0003", 2)] },
    });
    const first = await listPage(fake, { maxResults: "2" });
    fake.upsertEvent(alice.email, { id: "a0001", summary: "Changed after it was listed" });
    fake.upsertEvent(alice.email, meeting("a0009", 3));
    let page = first;
    while (page.nextPageToken) page = await listPage(fake, { maxResults: "2", pageToken: page.nextPageToken });

    const incremental = await listAll(fake, { syncToken: page.nextSyncToken ?? "" });
    expect(incremental.items.map((item) => item.id)).toEqual(["a0001", "a0009"]);
    expect(incremental.items[0]?.summary).toBe("Changed after it was listed");
  });

  it("refuses each filtering parameter and showDeleted=false together with a syncToken with 400", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)] } });
    const { syncToken } = await listAll(fake);
    const forbidden: Record<string, string> = {
      iCalUID: "a0001@google.com",
      orderBy: "updated",
      privateExtendedProperty: "crm=1",
      q: "meeting",
      sharedExtendedProperty: "crm=1",
      timeMin: "2026-01-01T00:00:00Z",
      timeMax: "2027-01-01T00:00:00Z",
      updatedMin: "2026-01-01T00:00:00Z",
      showDeleted: "false",
    };
    for (const [name, value] of Object.entries(forbidden)) {
      const response = await call(fake, eventsPath, { query: { syncToken, [name]: value } });
      expect(response.status, name).toBe(400);
      expect(errorOf(response).errors[0], name).toMatchObject({ reason: "invalid", location: name });
    }
    expect(
      (await call(fake, eventsPath, { query: { syncToken, showDeleted: "true", singleEvents: "true" } })).status,
    ).toBe(200);
  });

  it("answers an invalidated, unreadable or earlier run's sync token with 410 fullSyncRequired, after which a full sync works again", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)] } });
    const before = await listAll(fake);
    fake.invalidateSyncTokens(alice.email);

    for (const syncToken of [before.syncToken, "not-a-sync-token"]) {
      const gone = await call(fake, eventsPath, { query: { syncToken } });
      expect(gone.status).toBe(410);
      expect(errorOf(gone)).toMatchObject({
        code: 410,
        message: "Sync token is no longer valid, a full sync is required.",
        errors: [
          {
            domain: "calendar",
            reason: "fullSyncRequired",
            message: "Sync token is no longer valid, a full sync is required.",
          },
        ],
      });
    }
    // So is a token kept from an earlier run of the fake, whose calendar looks the same.
    const earlierRun = await listAll(fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)] } }));
    expect((await call(fake, eventsPath, { query: { syncToken: earlierRun.syncToken } })).status).toBe(410);

    const again = await listAll(fake);
    expect(again.items.map((item) => item.id)).toEqual(["a0001"]);
    fake.upsertEvent(alice.email, meeting("a0002", 1));
    expect((await listAll(fake, { syncToken: again.syncToken })).items.map((item) => item.id)).toEqual(["a0002"]);
  });

  it("keeps the full sync's time window for the incremental syncs that follow it", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", -48), meeting("a0002", 2)] } });
    const full = await listAll(fake, { timeMin: at(start - day), timeMax: at(start + 30 * day) });
    expect(full.items.map((item) => item.id)).toEqual(["a0002"]);

    fake.upsertEvent(alice.email, { id: "a0001", summary: "Still two days ago" });
    fake.upsertEvent(alice.email, { id: "a0002", summary: "Inside the window" });
    fake.cancelEvent(alice.email, "a0001");
    const incremental = await listAll(fake, { syncToken: full.syncToken });
    // The out-of-window change is not returned, its cancellation is: deletions are always part of the answer.
    expect(incremental.items.map((item) => [item.id, item.status])).toEqual([
      ["a0002", "confirmed"],
      ["a0001", "cancelled"],
    ]);
  });

  it("refuses an empty time range, unreadable times, orderBy=startTime without singleEvents and maxResults below 1", async () => {
    const fake = fakeCalendar();
    const empty = await call(fake, eventsPath, { query: { timeMin: at(start), timeMax: at(start) } });
    expect(empty.status).toBe(400);
    expect(errorOf(empty).errors[0]).toMatchObject({
      domain: "calendar",
      reason: "timeRangeEmpty",
      location: "timeMax",
    });
    expect((await call(fake, eventsPath, { query: { timeMin: "2026-11-19T09:00:00" } })).status).toBe(400);
    expect((await call(fake, eventsPath, { query: { orderBy: "startTime" } })).status).toBe(400);
    expect((await call(fake, eventsPath, { query: { orderBy: "startTime", singleEvents: "true" } })).status).toBe(200);
    expect((await call(fake, eventsPath, { query: { maxResults: "0" } })).status).toBe(400);
    expect((await call(fake, eventsPath, { query: { pageToken: "garbage" } })).status).toBe(400);
  });

  it("serves at most 2500 events a page however large maxResults is, and 250 by default", async () => {
    const many = Array.from({ length: 2600 }, (_, index) => meeting(`m${String(index).padStart(5, "0")}`, index));
    const fake = fakeCalendar({ seed: { [alice.email]: many } });

    const capped = await listPage(fake, { maxResults: "5000" });
    expect(capped.items).toHaveLength(2500);
    expect(capped.nextPageToken).toEqual(expect.any(String));
    const rest = await listPage(fake, { maxResults: "5000", pageToken: capped.nextPageToken ?? "" });
    expect(rest.items).toHaveLength(100);
    expect(rest.nextSyncToken).toEqual(expect.any(String));
    expect((await listPage(fake)).items).toHaveLength(250);
  });

  it("filters a full sync by q, iCalUID and extended properties, and orders by start time on request", async () => {
    const fake = fakeCalendar({
      seed: {
        [alice.email]: [
          meeting("a0001", 5, { summary: "Globex negotiation", extendedProperties: { private: { crm: "deal-1" } } }),
          meeting("a0002", 1, { summary: "Dentist" }),
          meeting("a0003", 3, { attendees: [{ email: "ada.lovelace@globex.example" }] }),
        ],
      },
    });
    expect((await listAll(fake, { q: "globex" })).items.map((item) => item.id)).toEqual(["a0001", "a0003"]);
    expect((await listAll(fake, { iCalUID: "a0002@google.com" })).items.map((item) => item.id)).toEqual(["a0002"]);
    expect((await listAll(fake, { privateExtendedProperty: "crm=deal-1" })).items.map((item) => item.id)).toEqual([
      "a0001",
    ]);
    const byStart = await listAll(fake, { orderBy: "startTime", singleEvents: "true" });
    expect(byStart.items.map((item) => item.id)).toEqual(["a0002", "a0003", "a0001"]);
  });

  it("answers 401 Invalid Credentials to a missing or unknown access token", async () => {
    const fake = fakeCalendar();
    for (const token of [null, "expired-or-unknown"]) {
      const response = await call(fake, eventsPath, { token });
      expect(response.status).toBe(401);
      expect(errorOf(response)).toMatchObject({
        code: 401,
        message: "Invalid Credentials",
        errors: [{ reason: "authError" }],
      });
      expect(response.headers?.["www-authenticate"]).toContain("invalid_token");
    }
  });

  it("answers 403 insufficientPermissions to a token without a scope that reads the account's events", async () => {
    const fake = fakeCalendar();
    for (const token of ["alice-gmail", "alice-freebusy"]) {
      const list = await call(fake, eventsPath, { token });
      expect(list.status, token).toBe(403);
      expect(errorOf(list).errors[0]).toMatchObject({ reason: "insufficientPermissions" });
      const watch = await call(fake, `${eventsPath}/watch`, {
        token,
        body: { id: "channel-1", type: "web_hook", address: "https://crm.example/hook" },
      });
      expect(watch.status, token).toBe(403);
    }
  });

  it("reaches the account's calendar by 'primary' or its address, and no one else's", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)], [bob.email]: [meeting("b0001", 0)] } });
    const byAddress = await call(fake, `/calendar/v3/calendars/${encodeURIComponent(alice.email)}/events`);
    expect((byAddress.json as EventsPage).items.map((item) => item.id)).toEqual(["a0001"]);
    expect((await listAll(fake, {}, "bob-calendar")).items.map((item) => item.id)).toEqual(["b0001"]);
    const other = await call(fake, `/calendar/v3/calendars/${encodeURIComponent(bob.email)}/events`);
    expect(other.status).toBe(404);
    expect(errorOf(other).errors[0]).toMatchObject({ reason: "notFound" });
    expect((await call(fake, "/calendar/v3/calendars/%E0%A4%A/events")).status).toBe(404);
  });

  it("gets one event by id, a cancelled one included, and 404 for an unknown id", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0), meeting("a0002", 1)] } });
    fake.cancelEvent(alice.email, "a0002");
    expect((await call(fake, `${eventsPath}/a0001`)).json).toMatchObject({ id: "a0001", summary: "Meeting a0001" });
    expect((await call(fake, `${eventsPath}/a0002`)).json).toMatchObject({ id: "a0002", status: "cancelled" });
    expect((await call(fake, `${eventsPath}/a0404`)).status).toBe(404);
  });

  it("leaves paths outside /calendar/v3/ to the other modules", async () => {
    const fake = fakeCalendar();
    const response = await fake.route({
      method: "GET",
      url: new URL("http://127.0.0.1:4010/gmail/v1/users/me/profile"),
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(response).toBeUndefined();
  });

  it("fails exactly the next calls given to failNext with Google's error bodies, then serves again", async () => {
    const fake = fakeCalendar();
    fake.failNext(2, { status: 403 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const limited = await call(fake, eventsPath);
      expect(limited.status).toBe(403);
      expect(errorOf(limited)).toMatchObject({
        code: 403,
        message: "Rate Limit Exceeded",
        errors: [{ domain: "usageLimits", reason: "rateLimitExceeded" }],
      });
    }
    expect((await call(fake, eventsPath)).status).toBe(200);

    fake.failNext(1, { status: 429 });
    expect(errorOf(await call(fake, eventsPath)).errors[0]).toMatchObject({ reason: "rateLimitExceeded" });
    fake.failNext(1, { status: 503 });
    const unavailable = await call(fake, eventsPath);
    expect(unavailable.status).toBe(503);
    expect(errorOf(unavailable).errors[0]).toMatchObject({ domain: "global", reason: "backendError" });
    fake.failNext(1, { status: 403, reason: "userRateLimitExceeded", message: "User Rate Limit Exceeded" });
    expect(errorOf(await call(fake, eventsPath)).errors[0]).toMatchObject({
      domain: "usageLimits",
      reason: "userRateLimitExceeded",
    });
    expect((await call(fake, eventsPath)).status).toBe(200);
  });
});

describe("the fake Google Calendar's watch channels", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  afterEach(() => {
    receiver.received.length = 0;
  });

  const watch = (fake: FakeCalendar, body: Record<string, unknown>, token?: string) =>
    call(fake, `${eventsPath}/watch`, {
      body: { type: "web_hook", address: receiver.url, ...body },
      ...(token ? { token } : {}),
    });
  type Channel = {
    kind: string;
    id: string;
    resourceId: string;
    resourceUri: string;
    token?: string;
    expiration: string;
  };

  it("sends sync numbered 1 right after watch, then exists numbered 2 after a change, each with the channel's token", async () => {
    const fake = fakeCalendar({ seed: { [alice.email]: [meeting("a0001", 0)] } });
    const created = await watch(fake, { id: "crm-channel-1", token: "shared-secret" });
    expect(created.status).toBe(200);
    const channel = created.json as Channel;
    expect(channel).toEqual({
      kind: "api#channel",
      id: "crm-channel-1",
      resourceId: expect.any(String),
      resourceUri: "http://127.0.0.1:4010/calendar/v3/calendars/primary/events?alt=json",
      token: "shared-secret",
      expiration: String(start + 7 * day),
    });
    await fake.notificationsSettled();
    fake.upsertEvent(alice.email, { id: "a0001", summary: "Renamed" });
    await fake.notificationsSettled();

    expect(receiver.received).toHaveLength(2);
    const [sync, exists] = receiver.received;
    expect(sync?.path).toBe("/google/calendar/notifications");
    expect(sync?.body).toBe("");
    expect(sync?.headers).toMatchObject({
      "x-goog-channel-id": "crm-channel-1",
      "x-goog-message-number": "1",
      "x-goog-resource-id": channel.resourceId,
      "x-goog-resource-state": "sync",
      "x-goog-resource-uri": channel.resourceUri,
      "x-goog-channel-token": "shared-secret",
      "x-goog-channel-expiration": "Thu, 26 Nov 2026 09:00:00 GMT",
    });
    expect(exists?.headers).toMatchObject({
      "x-goog-message-number": "2",
      "x-goog-resource-state": "exists",
      "x-goog-channel-token": "shared-secret",
    });
    expect(fake.notifications().map((sent) => [sent.messageNumber, sent.resourceState, sent.delivered])).toEqual([
      [1, "sync", true],
      [2, "exists", true],
    ]);
    expect(fake.channels()).toMatchObject([{ id: "crm-channel-1", calendarEmail: alice.email, messageCount: 2 }]);
  });

  it("notifies only the channels of the calendar that changed, and omits the token header when none was set", async () => {
    const fake = fakeCalendar();
    await watch(fake, { id: "alice-channel" });
    await watch(fake, { id: "bob-channel" }, "bob-calendar");
    await fake.notificationsSettled();
    fake.upsertEvent(bob.email, meeting("b0001", 0));
    await fake.notificationsSettled();

    const exists = receiver.received.filter((request) => request.headers["x-goog-resource-state"] === "exists");
    expect(exists.map((request) => request.headers["x-goog-channel-id"])).toEqual(["bob-channel"]);
    expect(exists[0]?.headers).not.toHaveProperty("x-goog-channel-token");
  });

  it("sets the expiration from params.ttl or expiration, capped at 30 days", async () => {
    const fake = fakeCalendar();
    const expirationOf = async (id: string, body: Record<string, unknown>) =>
      ((await watch(fake, { id, ...body })).json as Channel).expiration;
    expect(await expirationOf("ttl-hour", { params: { ttl: "3600" } })).toBe(String(start + hour));
    expect(await expirationOf("ttl-90-days", { params: { ttl: String(90 * 24 * 3600) } })).toBe(
      String(start + 30 * day),
    );
    expect(await expirationOf("until", { expiration: start + 2 * day })).toBe(String(start + 2 * day));
    expect(await expirationOf("until-string", { expiration: String(start + 3 * day) })).toBe(String(start + 3 * day));
  });

  it("refuses a duplicate channel id, an over-long id, a non-HTTPS address off loopback and an unknown type with 400", async () => {
    const fake = fakeCalendar();
    expect((await watch(fake, { id: "same-id" })).status).toBe(200);
    const duplicate = await watch(fake, { id: "same-id" });
    expect(duplicate.status).toBe(400);
    expect(errorOf(duplicate).errors[0]).toMatchObject({ reason: "channelIdNotUnique" });
    expect((await watch(fake, { id: "x".repeat(65) })).status).toBe(400);
    const plainHttp = await watch(fake, { id: "plain-http", address: "http://crm.example/hook" });
    expect(plainHttp.status).toBe(400);
    expect(errorOf(plainHttp).errors[0]).toMatchObject({ reason: "push.webhookUrlNotHttps" });
    expect((await watch(fake, { id: "https", address: "https://crm.example/hook" })).status).toBe(200);
    expect((await watch(fake, { id: "pubsub", type: "pubsub" })).status).toBe(400);
    expect((await watch(fake, { id: "past", expiration: start - 1 })).status).toBe(400);
    const unreadable = await fake.route({
      method: "POST",
      url: new URL(`http://127.0.0.1:4010${eventsPath}/watch`),
      headers: { authorization: "Bearer alice-calendar" },
      body: Buffer.from("{not json"),
    });
    expect(unreadable?.status).toBe(400);
  });

  it("sends nothing more after channels.stop; a second stop or a wrong resource id is 404", async () => {
    const fake = fakeCalendar();
    const channel = (await watch(fake, { id: "to-stop" })).json as Channel;
    await fake.notificationsSettled();

    const wrongResource = await call(fake, "/calendar/v3/channels/stop", {
      body: { id: "to-stop", resourceId: "other" },
    });
    expect(wrongResource.status).toBe(404);
    const stopped = await call(fake, "/calendar/v3/channels/stop", {
      body: { id: "to-stop", resourceId: channel.resourceId },
    });
    expect(stopped).toEqual({ status: 204 });
    expect(fake.channels()).toEqual([]);
    fake.upsertEvent(alice.email, meeting("a0001", 0));
    await fake.notificationsSettled();

    expect(receiver.received.map((request) => request.headers["x-goog-resource-state"])).toEqual(["sync"]);
    const again = await call(fake, "/calendar/v3/channels/stop", {
      body: { id: "to-stop", resourceId: channel.resourceId },
    });
    expect(again.status).toBe(404);
    // A stopped channel's id may be used again.
    expect((await watch(fake, { id: "to-stop" })).status).toBe(200);
  });

  it("delivers nothing on an expired channel", async () => {
    const fake = fakeCalendar();
    await watch(fake, { id: "short-lived", params: { ttl: "60" } });
    await fake.notificationsSettled();
    clock.now += 61_000;
    fake.upsertEvent(alice.email, meeting("a0001", 0));
    await fake.notificationsSettled();

    expect(receiver.received.map((request) => request.headers["x-goog-resource-state"])).toEqual(["sync"]);
    expect(fake.channels()).toEqual([]);
  });

  it("retries a receiver that answers 503 until it accepts, and does not retry one that answers 404", async () => {
    const fake = fakeCalendar();
    receiver.answerNext(503, 500);
    await watch(fake, { id: "flaky" });
    await fake.notificationsSettled();
    expect(receiver.received.map((request) => request.headers["x-goog-message-number"])).toEqual(["1", "1", "1"]);
    expect(fake.notifications()).toMatchObject([{ channelId: "flaky", attempts: 3, delivered: true, status: 200 }]);

    receiver.received.length = 0;
    receiver.answerNext(404);
    fake.upsertEvent(alice.email, meeting("a0001", 0));
    await fake.notificationsSettled();
    expect(receiver.received).toHaveLength(1);
    expect(fake.notifications()[1]).toMatchObject({ messageNumber: 2, attempts: 1, delivered: false, status: 404 });
  });

  it("retries an unreachable address a few times, then gives the notification up", async () => {
    const closed = await startReceiver();
    await closed.close();
    const fake = fakeCalendar();
    await call(fake, `${eventsPath}/watch`, { body: { id: "nobody-home", type: "web_hook", address: closed.url } });
    await fake.notificationsSettled();
    expect(fake.notifications()).toMatchObject([{ attempts: 4, delivered: false, error: expect.any(String) }]);
  });

  it("close() cancels a notification waiting for its retry and returns promptly", async () => {
    const fake = fakeCalendar({ notificationRetryDelaysMs: [60_000] });
    receiver.answerNext(503);
    await watch(fake, { id: "closing" });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1));
    const began = Date.now();
    await fake.close();
    expect(Date.now() - began).toBeLessThan(1000);
    expect(fake.notifications()).toMatchObject([{ attempts: 1, delivered: false }]);
    expect(receiver.received).toHaveLength(1);
  });

  it("passes notifications through the fetch it was given", async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fake = fakeCalendar({
      fetch: async (input, init) => {
        calls.push({ url: String(input), headers: init?.headers as Record<string, string> });
        return new Response(null, { status: 204 });
      },
    });
    await watch(fake, { id: "via-fetch" });
    await fake.notificationsSettled();
    expect(calls).toMatchObject([{ url: receiver.url, headers: { "X-Goog-Resource-State": "sync" } }]);
    expect(receiver.received).toEqual([]);
  });
});

describe("the demo calendars", () => {
  const now = Date.UTC(2026, 10, 19, 8, 30);
  const seed = demoCalendars(now);
  const contactEmails = new Set(demoContacts().map((contact) => contact.email));
  const colleagueEmails = new Set<string>(Object.values(demoPeople).map((person) => person.email));
  const startOf = (event: CalendarEventSeed) =>
    Date.parse("date" in event.start ? `${event.start.date}T00:00:00Z` : event.start.dateTime);

  it("are the same for the same day and give each demo person 8 to 15 events between 60 days back and 30 ahead", () => {
    expect(demoCalendars(now + hour)).toEqual(seed);
    expect(Object.keys(seed).sort()).toEqual([...colleagueEmails].sort());
    for (const events of Object.values(seed)) {
      expect(events.length).toBeGreaterThanOrEqual(8);
      expect(events.length).toBeLessThanOrEqual(15);
      for (const event of events) {
        expect(startOf(event)).toBeGreaterThan(now - 61 * day);
        expect(startOf(event)).toBeLessThan(now + 31 * day);
      }
    }
  });

  it("mostly invite demo contacts, with some internal-only, unknown-address and all-day events", () => {
    const all = Object.values(seed).flat();
    const attendeeEmails = (event: CalendarEventSeed) => (event.attendees ?? []).map((attendee) => attendee.email);
    const withContacts = all.filter((event) => attendeeEmails(event).some((email) => contactEmails.has(email)));
    expect(withContacts.length / all.length).toBeGreaterThan(0.5);
    expect(
      all.some(
        (event) =>
          attendeeEmails(event).length > 0 && attendeeEmails(event).every((email) => colleagueEmails.has(email)),
      ),
    ).toBe(true);
    expect(
      all.some((event) =>
        attendeeEmails(event).some((email) => !contactEmails.has(email) && !colleagueEmails.has(email)),
      ),
    ).toBe(true);
    expect(all.some((event) => "date" in event.start)).toBe(true);
  });

  it("load into the fake, a meeting between colleagues under one id in each of their calendars", async () => {
    clock.now = now;
    const fake = fakeCalendar({ seed });
    const aliceEvents = (await listAll(fake)).items;
    const bobEvents = (await listAll(fake, {}, "bob-calendar")).items;
    const live = (email: string) =>
      (seed[email as keyof typeof seed] ?? []).filter((event) => event.status !== "cancelled").length;
    expect(aliceEvents).toHaveLength(live(alice.email));
    expect(bobEvents).toHaveLength(live(bob.email));
    const shared = aliceEvents.find((event) => event.summary === "Pipeline review");
    const bobsCopy = bobEvents.find((event) => event.id === shared?.id);
    expect(bobsCopy).toMatchObject({ summary: "Pipeline review", organizer: { email: alice.email } });
    const instant = (event: typeof shared) =>
      Date.parse((event?.start as { dateTime?: string } | undefined)?.dateTime ?? "");
    expect(instant(bobsCopy)).toBe(instant(shared));
    expect(instant(shared)).not.toBeNaN();
  });
});
