// The Calendar part of the fake Google: events.list with full and incremental (syncToken) sync, events.get,
// events.watch and channels.stop, with push notifications to the channels' addresses. Paths are Google's own under
// /calendar/v3/, so a real client only needs its root URL swapped. Each account has one calendar, its primary one;
// recurring events are not modelled, so `singleEvents` is accepted and changes nothing.
import { createHash, randomUUID } from "node:crypto";
import {
  type ChannelRegistry,
  createChannelRegistry,
  type SentNotification,
  type WatchChannel,
} from "./calendar-channels";
import {
  type FakeGoogleAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  googleError,
  invalidCredentials,
  type TokenGrant,
} from "./fake-google-types";

export type { SentNotification, WatchChannel } from "./calendar-channels";
export { demoCalendars } from "./demo-calendars";

/** A start or end: a moment (RFC 3339 with an offset) or, for an all-day event, a date. */
export type EventTime = { dateTime: string; timeZone?: string } | { date: string };

export type AttendeeResponse = "needsAction" | "declined" | "tentative" | "accepted";

export type CalendarAttendeeSeed = {
  email: string;
  displayName?: string;
  responseStatus?: AttendeeResponse;
  optional?: boolean;
};

/** An event as a test or the demo seed describes it; the fake adds what Google computes (etag, times, links). */
export type CalendarEventSeed = {
  /** Google's alphabet: 5–1024 characters of a–v and 0–9. Generated when absent. */
  id?: string;
  status?: "confirmed" | "tentative" | "cancelled";
  summary?: string;
  description?: string;
  location?: string;
  start: EventTime;
  end: EventTime;
  /** Someone else who invited the account; the account itself when absent. */
  organizer?: { email: string; displayName?: string };
  attendees?: CalendarAttendeeSeed[];
  hangoutLink?: string;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
};

/** A change to an existing event: the fields given replace the stored ones (a cancelled event stays so unless `status` is given). */
export type CalendarEventChange = Partial<CalendarEventSeed> & { id: string };

export type CalendarAttendee = CalendarAttendeeSeed & {
  responseStatus: AttendeeResponse;
  organizer?: true;
  self?: true;
};

/** An event as the API returns it. */
export type CalendarEvent = {
  kind: "calendar#event";
  etag: string;
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string; displayName?: string; self?: true };
  organizer: { email: string; displayName?: string; self?: true };
  start: EventTime;
  end: EventTime;
  iCalUID: string;
  sequence: number;
  attendees?: CalendarAttendee[];
  hangoutLink?: string;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  reminders: { useDefault: boolean };
  eventType: "default";
};

/** What incremental lists (and `showDeleted`) return for a deleted event: Google guarantees only its id. */
export type CancelledCalendarEvent = Pick<CalendarEvent, "kind" | "etag" | "id"> & { status: "cancelled" };

export type CalendarFault = { status: number; reason?: string; message?: string };

export type FakeCalendarOptions = {
  /** How notifications are sent (default global fetch); tests may pass their own. */
  fetch?: typeof fetch;
  /** Seed each account's primary calendar (default: no seed). */
  seed?: Record<string /* email */, CalendarEventSeed[]>;
  /** Waits before each retry of a notification the receiver failed (default 200 ms, 1 s, 5 s). */
  notificationRetryDelaysMs?: readonly number[];
  /** How long one notification attempt may take (default 10 s). */
  notificationTimeoutMs?: number;
};

export type FakeCalendar = {
  route: FakeRoute;
  /** Create or change an event (bumps `updated`, `sequence`, `etag`); active channels get an `exists` notification. */
  upsertEvent(email: string, event: CalendarEventSeed | CalendarEventChange): CalendarEvent;
  /** Cancel an event (status "cancelled"; still returned by incremental lists). */
  cancelEvent(email: string, eventId: string): void;
  /** Every sync token of this account becomes invalid: the next incremental list is 410 fullSyncRequired. */
  invalidateSyncTokens(email: string): void;
  /** The next `count` API calls fail with this status/reason (403 rateLimitExceeded, 429, 503 backendError…). */
  failNext(count: number, fault: CalendarFault): void;
  /** Active channels, for assertions. */
  channels(): WatchChannel[];
  /** Notifications after their last attempt, for assertions. */
  notifications(): SentNotification[];
  /** Resolves when every queued notification has been delivered or given up. */
  notificationsSettled(): Promise<void>;
  /** Cancels waiting retries and in-flight notifications and waits for them. */
  close(): Promise<void>;
};

const scope = (name: string) => `https://www.googleapis.com/auth/${name}`;
// The scopes of events.list and events.watch that reach the events of the account's own primary calendar. Google
// also accepts calendar.app.created, calendar.events.freebusy and calendar.events.public.readonly for these methods,
// but they reach only app-created calendars, free/busy blocks or public events, none of which the fake models, so
// it answers them as Google answers a token without any of the scopes.
const eventReadScopes = new Set(
  [
    "calendar",
    "calendar.readonly",
    "calendar.events",
    "calendar.events.readonly",
    "calendar.events.owned",
    "calendar.events.owned.readonly",
  ].map(scope),
);
const calendarScopePrefix = scope("calendar");

const defaultMaxResults = 250;
const maxMaxResults = 2500;
// events.watch documents params.ttl's default as 604800 s. No maximum is documented for Events channels; the fake
// caps at 30 days, so a client that asks for more sees the shorter expiration in the answer and must use it.
const defaultChannelTtlMs = 7 * 24 * 3600 * 1000;
const maxChannelTtlMs = 30 * 24 * 3600 * 1000;
const forbiddenWithSyncToken = [
  "iCalUID",
  "orderBy",
  "privateExtendedProperty",
  "q",
  "sharedExtendedProperty",
  "timeMin",
  "timeMax",
  "updatedMin",
] as const;
const eventIdPattern = /^[a-v0-9]{5,1024}$/;
const channelIdPattern = /^[A-Za-z0-9\-_+/=]{1,64}$/;

type StoredEvent = Omit<CalendarEventSeed, "id"> & {
  id: string;
  status: "confirmed" | "tentative" | "cancelled";
  created: number;
  updated: number;
  sequence: number;
  /** The change counter when the event last changed: what sync tokens and page tokens compare. */
  revision: number;
  /** Creation order, the default listing order. */
  order: number;
  startMs: number;
  endMs: number;
};

type AccountCalendar = {
  email: string;
  created: number;
  events: Map<string, StoredEvent>;
  /** Bumped by invalidateSyncTokens; tokens of an older generation are answered 410. */
  generation: number;
  resourceId: string;
};

/**
 * What a sync token carries: the fake instance and calendar it belongs to, where the last list stopped and the window
 * of the full sync it continues. The instance makes tokens kept from an earlier run of the fake answer 410.
 */
type SyncState = { i: string; c: string; g: number; r: number; min?: number; max?: number };
/** What a page token carries: the list's snapshot revision and the last sort key served. */
type PageState = { i: string; m: "full" | "incremental"; s: number; from?: number; after: [number, number] };

type CalendarErrorDetails = { domain?: string; location?: string; locationType?: "parameter" | "header" };

/** Google's error body, with the location fields the Calendar API adds. */
function calendarError(code: number, reason: string, message: string, details: CalendarErrorDetails = {}) {
  const response = googleError(code, reason, message, details.domain);
  const body = response.json as { error: { errors: Record<string, string>[] } };
  const first = body.error.errors[0];
  if (first && details.location)
    Object.assign(first, { locationType: details.locationType, location: details.location });
  return response;
}

const notFound = () => calendarError(404, "notFound", "Not Found");
const insufficientScopes = () => ({
  ...googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes."),
  headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' },
});
const invalidParameter = (name: string, message: string) =>
  calendarError(400, "invalid", message, { location: name, locationType: "parameter" });
const fullSyncRequired = () =>
  calendarError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", {
    domain: "calendar",
    location: "syncToken",
    locationType: "parameter",
  });

const faultDefaults: Record<number, { reason: string; message: string }> = {
  403: { reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  429: { reason: "rateLimitExceeded", message: "Rate Limit Exceeded" },
  500: { reason: "backendError", message: "Backend Error" },
  503: { reason: "backendError", message: "Backend Error" },
};

function faultResponse(fault: CalendarFault): FakeResponse {
  const defaults = faultDefaults[fault.status] ?? { reason: "backendError", message: "Backend Error" };
  const reason = fault.reason ?? defaults.reason;
  const usage = /LimitExceeded$|^quotaExceeded$/.test(reason);
  return calendarError(fault.status, reason, fault.message ?? defaults.message, {
    domain: usage ? "usageLimits" : "global",
  });
}

const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function parseSyncState(token: string): SyncState | undefined {
  const value = decodeToken(token);
  if (!isRecord(value) || typeof value.i !== "string" || typeof value.c !== "string") return undefined;
  if (!isFiniteNumber(value.g) || !isFiniteNumber(value.r)) return undefined;
  if (value.min !== undefined && !isFiniteNumber(value.min)) return undefined;
  if (value.max !== undefined && !isFiniteNumber(value.max)) return undefined;
  return value as SyncState;
}

function parsePageState(token: string): PageState | undefined {
  const value = decodeToken(token);
  if (!isRecord(value) || (value.m !== "full" && value.m !== "incremental")) return undefined;
  if (typeof value.i !== "string" || !isFiniteNumber(value.s)) return undefined;
  if (value.from !== undefined && !isFiniteNumber(value.from)) return undefined;
  const after = value.after;
  if (!Array.isArray(after) || after.length !== 2 || !after.every(isFiniteNumber)) return undefined;
  return value as PageState;
}

/** Epoch ms of an RFC 3339 timestamp with a mandatory offset, as Google requires for timeMin/timeMax/updatedMin. */
function parseTimestamp(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function timeOf(time: EventTime): number {
  if ("date" in time) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(time.date)) return Number.NaN;
    return Date.parse(`${time.date}T00:00:00Z`);
  }
  return parseTimestamp(time.dateTime) ?? Number.NaN;
}

/** A path segment decoded; undefined when its escapes are broken. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
// Google's event etags are quoted decimal strings that change with every write.
const eventEtag = (event: StoredEvent) => `"${event.updated * 1000 + (event.revision % 1000)}"`;

function searchText(event: StoredEvent): string {
  return [
    event.summary,
    event.description,
    event.location,
    event.organizer?.email,
    event.organizer?.displayName,
    ...(event.attendees ?? []).flatMap((attendee) => [attendee.email, attendee.displayName]),
  ]
    .filter((part): part is string => typeof part === "string")
    .join(" ")
    .toLowerCase();
}

/** `name=value` constraints of privateExtendedProperty/sharedExtendedProperty; all must hold. */
function matchesProperties(properties: Record<string, string> | undefined, constraints: string[]): boolean {
  return constraints.every((constraint) => {
    const separator = constraint.indexOf("=");
    const name = separator < 0 ? constraint : constraint.slice(0, separator);
    const value = separator < 0 ? "" : constraint.slice(separator + 1);
    return properties?.[name] === value;
  });
}

/** The fake Google's Calendar module: mount its `route`; the other members are the tests' knobs. */
export function createFakeCalendar(authority: FakeGoogleAuthority, options: FakeCalendarOptions = {}): FakeCalendar {
  const calendars = new Map<string, AccountCalendar>();
  const instance = randomUUID().slice(0, 8);
  let revision = 0;
  let creationOrder = 0;
  let generatedIds = 0;
  let pendingFaults: { remaining: number; fault: CalendarFault } | undefined;
  const registry: ChannelRegistry = createChannelRegistry({
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now: () => authority.now(),
    retryDelaysMs: options.notificationRetryDelaysMs ?? [200, 1000, 5000],
    attemptTimeoutMs: options.notificationTimeoutMs ?? 10_000,
  });

  function calendarOf(email: string): AccountCalendar {
    const normalised = email.trim().toLowerCase();
    let calendar = calendars.get(normalised);
    if (!calendar) {
      calendar = {
        email: normalised,
        created: authority.now(),
        events: new Map(),
        generation: 0,
        // Stable per watched resource, as Google's is across the channels on one calendar.
        resourceId: createHash("sha256").update(`events:${normalised}`).digest("base64url").slice(0, 27),
      };
      calendars.set(normalised, calendar);
    }
    return calendar;
  }

  function store(calendar: AccountCalendar, change: CalendarEventSeed | CalendarEventChange): StoredEvent {
    const id = change.id ?? `ev${String(++generatedIds).padStart(8, "0")}`;
    if (!eventIdPattern.test(id)) throw new Error(`Event id ${id} is not 5–1024 characters of a–v and 0–9`);
    const existing = calendar.events.get(id);
    const fields = { ...existing, ...change, id };
    if (!fields.start || !fields.end) throw new Error(`Event ${id} is new and needs a start and an end`);
    const startMs = timeOf(fields.start);
    const endMs = timeOf(fields.end);
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new Error(`Event ${id} has an unreadable start or end`);
    if (endMs < startMs) throw new Error(`Event ${id} ends before it starts`);
    const now = authority.now();
    const event: StoredEvent = {
      ...fields,
      start: fields.start,
      end: fields.end,
      status: fields.status ?? "confirmed",
      created: existing?.created ?? now,
      updated: now,
      sequence: existing ? existing.sequence + 1 : 0,
      revision: ++revision,
      order: existing?.order ?? ++creationOrder,
      startMs,
      endMs,
    };
    calendar.events.set(id, event);
    return event;
  }

  function render(calendar: AccountCalendar, event: StoredEvent): CalendarEvent {
    const self = calendar.email;
    const organizer = event.organizer ?? { email: self };
    const organizerIsSelf = organizer.email.toLowerCase() === self;
    const attendees: CalendarAttendee[] = (event.attendees ?? []).map((attendee) => ({
      ...attendee,
      responseStatus: attendee.responseStatus ?? "needsAction",
      ...(attendee.email.toLowerCase() === organizer.email.toLowerCase() ? { organizer: true as const } : {}),
      ...(attendee.email.toLowerCase() === self ? { self: true as const } : {}),
    }));
    // Google lists the organizer among the attendees of a meeting, and the account when someone else invited it.
    if (attendees.length > 0 && !attendees.some((attendee) => attendee.organizer)) {
      attendees.unshift({
        email: organizer.email,
        ...(organizer.displayName ? { displayName: organizer.displayName } : {}),
        organizer: true,
        responseStatus: "accepted",
        ...(organizerIsSelf ? { self: true as const } : {}),
      });
    }
    if (!organizerIsSelf && !attendees.some((attendee) => attendee.self)) {
      attendees.push({ email: self, self: true, responseStatus: "needsAction" });
    }
    const person = { ...organizer, ...(organizerIsSelf ? { self: true as const } : {}) };
    return {
      kind: "calendar#event",
      etag: eventEtag(event),
      id: event.id,
      status: event.status,
      // Google's eid is the base64 of "<event id> <calendar id>".
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${self}`).toString("base64url")}`,
      created: iso(event.created),
      updated: iso(event.updated),
      ...(event.summary === undefined ? {} : { summary: event.summary }),
      ...(event.description === undefined ? {} : { description: event.description }),
      ...(event.location === undefined ? {} : { location: event.location }),
      creator: person,
      organizer: person,
      start: event.start,
      end: event.end,
      iCalUID: `${event.id}@google.com`,
      sequence: event.sequence,
      ...(attendees.length > 0 ? { attendees } : {}),
      ...(event.hangoutLink === undefined ? {} : { hangoutLink: event.hangoutLink }),
      ...(event.extendedProperties === undefined ? {} : { extendedProperties: event.extendedProperties }),
      reminders: { useDefault: true },
      eventType: "default",
    };
  }

  function renderListed(calendar: AccountCalendar, event: StoredEvent): CalendarEvent | CancelledCalendarEvent {
    if (event.status === "cancelled")
      return { kind: "calendar#event", etag: eventEtag(event), id: event.id, status: "cancelled" };
    return render(calendar, event);
  }

  /** The calendar behind a path's calendarId for this caller: `primary` or the account's own address. */
  function calendarFor(grant: TokenGrant, calendarId: string): AccountCalendar | undefined {
    const own = grant.account.email.toLowerCase();
    return calendarId === "primary" || calendarId.toLowerCase() === own ? calendarOf(own) : undefined;
  }

  function listEvents(calendar: AccountCalendar, query: URLSearchParams): FakeResponse {
    const maxResultsText = query.get("maxResults");
    const maxResults = maxResultsText === null ? defaultMaxResults : Number(maxResultsText);
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      return invalidParameter("maxResults", `Invalid value '${maxResultsText}'. Values must be at least 1.`);
    }
    // Google documents that a page never holds more than 2500 events; larger values are served as 2500.
    const pageSize = Math.min(maxResults, maxMaxResults);
    const showDeletedText = query.get("showDeleted");
    const singleEvents = query.get("singleEvents") === "true";
    const syncToken = query.get("syncToken");
    const pageTokenText = query.get("pageToken");
    const pageState = pageTokenText === null ? undefined : parsePageState(pageTokenText);
    if (pageTokenText !== null && !pageState) return invalidParameter("pageToken", "Invalid page token value.");

    let sync: SyncState | undefined;
    if (syncToken !== null) {
      const forbidden = forbiddenWithSyncToken.find((name) => query.has(name));
      if (forbidden) {
        return invalidParameter(forbidden, `The parameter ${forbidden} cannot be used together with syncToken.`);
      }
      if (showDeletedText === "false") {
        return invalidParameter("showDeleted", "showDeleted cannot be false together with syncToken.");
      }
      sync = parseSyncState(syncToken);
      const current = sync?.i === instance && sync.c === calendar.email && sync.g === calendar.generation;
      if (!sync || !current || sync.r > revision) return fullSyncRequired();
      if (pageState && (pageState.m !== "incremental" || pageState.from !== sync.r)) {
        return invalidParameter("pageToken", "Invalid page token value.");
      }
    } else if (pageState && pageState.m !== "full") {
      return invalidParameter("pageToken", "Invalid page token value.");
    }
    if (pageState && pageState.i !== instance) return invalidParameter("pageToken", "Invalid page token value.");

    const times: Record<"timeMin" | "timeMax" | "updatedMin", number | undefined> = {
      timeMin: undefined,
      timeMax: undefined,
      updatedMin: undefined,
    };
    for (const name of ["timeMin", "timeMax", "updatedMin"] as const) {
      const text = query.get(name);
      if (text === null) continue;
      const ms = parseTimestamp(text);
      if (ms === undefined)
        return calendarError(400, "badRequest", "Bad Request", { location: name, locationType: "parameter" });
      times[name] = ms;
    }
    const windowMin = sync ? sync.min : times.timeMin;
    const windowMax = sync ? sync.max : times.timeMax;
    if (windowMin !== undefined && windowMax !== undefined && windowMax <= windowMin) {
      return calendarError(400, "timeRangeEmpty", "The specified time range is empty.", {
        domain: "calendar",
        location: "timeMax",
        locationType: "parameter",
      });
    }
    const orderBy = query.get("orderBy");
    if (orderBy !== null && orderBy !== "startTime" && orderBy !== "updated") {
      return invalidParameter("orderBy", `Invalid value '${orderBy}'.`);
    }
    if (orderBy === "startTime" && !singleEvents) {
      return calendarError(400, "badRequest", "The requested ordering is not available for the particular query.");
    }

    const inWindow = (event: StoredEvent) =>
      (windowMin === undefined || event.endMs > windowMin) && (windowMax === undefined || event.startMs < windowMax);
    const snapshot = pageState?.s ?? revision;
    let matching: StoredEvent[];
    let sortKey: (event: StoredEvent) => [number, number];
    if (sync) {
      const from = sync.r;
      // Deletions are always part of an incremental answer, whatever window the full sync had.
      matching = [...calendar.events.values()].filter(
        (event) =>
          event.revision > from && event.revision <= snapshot && (event.status === "cancelled" || inWindow(event)),
      );
      sortKey = (event) => [event.revision, 0];
    } else {
      const q = (query.get("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      const iCalUID = query.get("iCalUID");
      const privateProperties = query.getAll("privateExtendedProperty");
      const sharedProperties = query.getAll("sharedExtendedProperty");
      const includeDeleted = showDeletedText === "true" || times.updatedMin !== undefined;
      matching = [...calendar.events.values()].filter(
        (event) =>
          (event.status !== "cancelled" || includeDeleted) &&
          inWindow(event) &&
          (times.updatedMin === undefined || event.updated >= times.updatedMin) &&
          (iCalUID === null || `${event.id}@google.com` === iCalUID) &&
          matchesProperties(event.extendedProperties?.private, privateProperties) &&
          matchesProperties(event.extendedProperties?.shared, sharedProperties) &&
          q.every((term) => searchText(event).includes(term)),
      );
      sortKey =
        orderBy === "startTime"
          ? (event) => [event.startMs, event.order]
          : orderBy === "updated"
            ? (event) => [event.revision, 0]
            : (event) => [event.order, 0];
    }
    const compare = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    const after = pageState?.after;
    const remaining = matching
      .map((event) => ({ event, key: sortKey(event) }))
      .filter(({ key }) => !after || compare(key, after) > 0)
      .sort((a, b) => compare(a.key, b.key));
    const page = remaining.slice(0, pageSize);
    const last = page.at(-1);
    const more = remaining.length > page.length && last !== undefined;

    let lastChange = calendar.created;
    for (const event of calendar.events.values()) lastChange = Math.max(lastChange, event.updated);
    return {
      status: 200,
      json: {
        kind: "calendar#events",
        etag: `"p${revision}"`,
        summary: calendar.email,
        updated: iso(lastChange),
        timeZone: "UTC",
        accessRole: "owner",
        defaultReminders: [],
        items: page.map(({ event }) => renderListed(calendar, event)),
        ...(more
          ? {
              nextPageToken: encodeToken({
                i: instance,
                m: sync ? "incremental" : "full",
                s: snapshot,
                ...(sync ? { from: sync.r } : {}),
                after: last.key,
              } satisfies PageState),
            }
          : {
              // Changes after the snapshot are left out of this listing, so the next incremental list starts there.
              nextSyncToken: encodeToken({
                i: instance,
                c: calendar.email,
                g: calendar.generation,
                r: snapshot,
                ...(windowMin === undefined ? {} : { min: windowMin }),
                ...(windowMax === undefined ? {} : { max: windowMax }),
              } satisfies SyncState),
            }),
      },
    };
  }

  function parseJsonBody(request: FakeRequest): { body: Record<string, unknown> } | { error: FakeResponse } {
    try {
      const body: unknown = JSON.parse(request.body.length === 0 ? "{}" : request.body.toString("utf8"));
      if (isRecord(body)) return { body };
    } catch {
      // answered below, as Google answers any unreadable body
    }
    return { error: calendarError(400, "parseError", "Parse Error") };
  }

  function watchEvents(
    calendar: AccountCalendar,
    grant: TokenGrant,
    request: FakeRequest,
    calendarId: string,
  ): FakeResponse {
    const parsed = parseJsonBody(request);
    if ("error" in parsed) return parsed.error;
    const { id, type, address, token, expiration, params } = parsed.body;
    if (typeof id !== "string" || id === "") return calendarError(400, "required", "Required channel id");
    if (!channelIdPattern.test(id)) {
      return calendarError(400, "invalid", `Channel id ${id} must be at most 64 characters of [A-Za-z0-9-_+/=]`);
    }
    if (type !== "web_hook" && type !== "webhook")
      return calendarError(400, "invalid", `Unknown channel type: ${type}`);
    if (typeof address !== "string" || address === "") return calendarError(400, "required", "Required address");
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      return calendarError(400, "invalid", `Invalid address: ${address}`);
    }
    // Google demands HTTPS with a valid certificate; the fake also takes plain HTTP to a loopback host, where the
    // local cloud's receivers listen.
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      return calendarError(400, "push.webhookUrlNotHttps", `WebHook callback must be HTTPS: ${address}`);
    }
    if (token !== undefined && (typeof token !== "string" || token.length > 256)) {
      return calendarError(400, "invalid", "The channel token must be a string of at most 256 characters");
    }
    const now = authority.now();
    let expiresAt = now + defaultChannelTtlMs;
    if (params !== undefined && (!isRecord(params) || (params.ttl !== undefined && typeof params.ttl !== "string"))) {
      return calendarError(400, "invalid", "Invalid channel params");
    }
    const ttl = isRecord(params) ? params.ttl : undefined;
    if (typeof ttl === "string") {
      const seconds = Number(ttl);
      if (!/^\d+$/.test(ttl) || seconds <= 0) return calendarError(400, "invalid", `Invalid ttl value: ${ttl}`);
      expiresAt = now + seconds * 1000;
    }
    if (expiration !== undefined && expiration !== null) {
      const requested = Number(expiration);
      if (!Number.isFinite(requested) || requested <= now) {
        return calendarError(400, "invalid", `Invalid channel expiration: ${String(expiration)}`);
      }
      expiresAt = ttl === undefined ? requested : Math.min(expiresAt, requested);
    }
    expiresAt = Math.min(expiresAt, now + maxChannelTtlMs);
    if (registry.find(grant.clientId, id))
      return calendarError(400, "channelIdNotUnique", `Channel id ${id} not unique`);
    const channel = registry.open({
      id,
      resourceId: calendar.resourceId,
      resourceUri: `${request.url.origin}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?alt=json`,
      calendarEmail: calendar.email,
      clientId: grant.clientId,
      address,
      ...(typeof token === "string" ? { token } : {}),
      expiration: expiresAt,
    });
    return {
      status: 200,
      json: {
        kind: "api#channel",
        id: channel.id,
        resourceId: channel.resourceId,
        resourceUri: channel.resourceUri,
        ...(channel.token === undefined ? {} : { token: channel.token }),
        expiration: String(channel.expiration),
      },
    };
  }

  function stopChannel(grant: TokenGrant, request: FakeRequest): FakeResponse {
    const parsed = parseJsonBody(request);
    if ("error" in parsed) return parsed.error;
    const { id, resourceId } = parsed.body;
    if (typeof id !== "string" || id === "") return calendarError(400, "required", "Required channel id");
    if (typeof resourceId !== "string" || resourceId === "")
      return calendarError(400, "required", "Required resourceId");
    if (!registry.stop(grant.clientId, id, resourceId)) {
      return calendarError(404, "notFound", `Channel '${id}' not found for project '${grant.clientId}'`);
    }
    return { status: 204 };
  }

  async function handle(request: FakeRequest, path: string): Promise<FakeResponse> {
    if (pendingFaults) {
      const { fault } = pendingFaults;
      pendingFaults.remaining -= 1;
      if (pendingFaults.remaining <= 0) pendingFaults = undefined;
      return faultResponse(fault);
    }
    const grant = authority.grantOf(request.headers.authorization);
    if (!grant) return invalidCredentials();

    if (path === "channels/stop") {
      if (request.method !== "POST") return notFound();
      if (!grant.scopes.some((granted) => granted.startsWith(calendarScopePrefix))) return insufficientScopes();
      return stopChannel(grant, request);
    }
    const match = /^calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path);
    if (!match?.[1]) return notFound();
    const calendarId = decodedSegment(match[1]);
    const eventPart = match[2] === undefined ? undefined : decodedSegment(match[2]);
    if (calendarId === undefined || (match[2] !== undefined && eventPart === undefined)) return notFound();
    const isWatch = eventPart === "watch" && request.method === "POST";
    const isList = eventPart === undefined && request.method === "GET";
    const isGet = eventPart !== undefined && eventPart !== "watch" && request.method === "GET";
    if (!isWatch && !isList && !isGet) return notFound();
    if (!grant.scopes.some((granted) => eventReadScopes.has(granted))) return insufficientScopes();
    const calendar = calendarFor(grant, calendarId);
    if (!calendar) return notFound();
    if (isWatch) return watchEvents(calendar, grant, request, calendarId);
    if (isList) return listEvents(calendar, request.url.searchParams);
    const event = calendar.events.get(eventPart ?? "");
    return event ? { status: 200, json: render(calendar, event) } : notFound();
  }

  for (const [email, events] of Object.entries(options.seed ?? {})) {
    const calendar = calendarOf(email);
    for (const event of events) store(calendar, event);
  }

  return {
    route(request) {
      const prefix = "/calendar/v3/";
      if (!request.url.pathname.startsWith(prefix)) return undefined;
      return handle(request, request.url.pathname.slice(prefix.length));
    },

    upsertEvent(email, event) {
      const calendar = calendarOf(email);
      const stored = store(calendar, event);
      registry.changed(calendar.email);
      return render(calendar, stored);
    },

    cancelEvent(email, eventId) {
      const calendar = calendarOf(email);
      const event = calendar.events.get(eventId);
      if (!event) throw new Error(`No event ${eventId} in ${calendar.email}'s calendar`);
      if (event.status === "cancelled") return;
      store(calendar, { id: eventId, status: "cancelled" });
      registry.changed(calendar.email);
    },

    invalidateSyncTokens(email) {
      calendarOf(email).generation += 1;
    },

    failNext(count, fault) {
      pendingFaults = count > 0 ? { remaining: count, fault } : undefined;
    },

    channels: () => registry.active(),
    notifications: () => registry.sent(),
    notificationsSettled: () => registry.settled(),
    close: () => registry.close(),
  };
}
