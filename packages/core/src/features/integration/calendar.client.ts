import { z } from "zod";
import { googleConfig } from "../../platform/config/integrations.config";
import type { ConnectionKeys } from "./integration-log";
import { bearerJsonRequest, callProvider } from "./provider-calls";

/**
 * The few Calendar endpoints the sync needs, over fetch through the resilient call path. Not `@googleapis/calendar`:
 * like the Gmail client, its transport retries on its own (multiplying ours) and brings its own token handling (ours
 * is the vault and the lease), a large bundle for three URLs.
 */

/** Google says the sync token expired or was invalidated (410): only a full sync can find the position again. */
export class SyncTokenExpiredError extends Error {
  override readonly name = "SyncTokenExpiredError";
}

/** Calendar answered something other than what the sync can work with (not a transient failure). */
export class CalendarResponseError extends Error {
  override readonly name = "CalendarResponseError";
}

/** A start or end: a moment for a timed event, a date for an all-day one. */
const eventTimeSchema = z.object({
  dateTime: z.string().optional(),
  date: z.string().optional(),
  timeZone: z.string().optional(),
});
const personSchema = z.object({ email: z.string().optional(), resource: z.boolean().optional() });
// Incremental lists guarantee only the id of a cancelled event, so everything else is optional.
const eventSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  iCalUID: z.string().optional(),
  summary: z.string().optional(),
  start: eventTimeSchema.optional(),
  end: eventTimeSchema.optional(),
  organizer: personSchema.optional(),
  attendees: z.array(personSchema).optional(),
  recurringEventId: z.string().optional(),
  originalStartTime: eventTimeSchema.optional(),
});
const eventListSchema = z.object({
  items: z.array(eventSchema).optional(),
  nextPageToken: z.string().optional(),
  nextSyncToken: z.string().optional(),
});
const channelSchema = z.object({
  id: z.string(),
  resourceId: z.string(),
  resourceUri: z.string().optional(),
  expiration: z.union([z.string(), z.number()]).transform(Number),
});

export type CalendarEvent = z.infer<typeof eventSchema>;
export type CalendarEventPage = z.infer<typeof eventListSchema>;
export type CalendarChannel = z.infer<typeof channelSchema>;

/** The page size of every list; Google's default, and well under its 2,500 cap. */
const pageSize = "250";

type Connection = { keys: ConnectionKeys };

/** The answers a caller interprets itself rather than as a failure. */
type Refused = { status: 404 | 410 };

function calendarUrl(path: string, query: Record<string, string | undefined> = {}): string {
  const url = new URL(`calendar/v3/${path}`, `${googleConfig().calendarBaseUrl.replace(/\/?$/, "/")}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.href;
}

async function calendar<S extends z.ZodType>(
  connection: Connection,
  operation: string,
  schema: S,
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<z.output<S> | Refused> {
  const response = await callProvider({
    provider: "google-calendar",
    keys: connection.keys,
    operation,
    send: (token, signal) => bearerJsonRequest(url, token, signal, init),
  });
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { status: response.status };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CalendarResponseError(`${operation}: Calendar answered ${response.status}.`);
  }
  if (response.status === 204) return schema.parse({});
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new CalendarResponseError(`${operation}: Calendar's answer has an unexpected shape.`);
  return parsed.data;
}

const isRefused = (result: unknown): result is Refused =>
  typeof result === "object" && result !== null && "status" in result;

const eventsPath = "calendars/primary/events";

/**
 * One page of a full sync of the primary calendar: events ending after `since`, recurring events expanded into
 * their instances. Only the last page carries the `nextSyncToken`.
 */
export async function listCalendarEvents(
  connection: Connection,
  since: Date,
  pageToken?: string,
): Promise<CalendarEventPage> {
  const result = await calendar(
    connection,
    "calendar.events.list",
    eventListSchema,
    calendarUrl(eventsPath, { singleEvents: "true", timeMin: since.toISOString(), maxResults: pageSize, pageToken }),
  );
  if (isRefused(result)) throw new CalendarResponseError(`calendar.events.list: Calendar answered ${result.status}.`);
  return result;
}

/**
 * One page of the changes since `syncToken`, cancelled events included. The same parameters as the full sync bar
 * those Google forbids with a sync token (timeMin among them); SyncTokenExpiredError on Google's 410.
 */
export async function calendarChanges(
  connection: Connection,
  syncToken: string,
  pageToken?: string,
): Promise<CalendarEventPage> {
  const result = await calendar(
    connection,
    "calendar.events.list",
    eventListSchema,
    calendarUrl(eventsPath, { singleEvents: "true", maxResults: pageSize, syncToken, pageToken }),
  );
  if (isRefused(result)) {
    if (result.status === 410) throw new SyncTokenExpiredError("The calendar's sync token is no longer valid.");
    throw new CalendarResponseError(`calendar.events.list: Calendar answered ${result.status}.`);
  }
  return result;
}

/**
 * Opens a push channel on the primary calendar's events: Google posts to `address` (with `token` echoed) whenever
 * they change, until the channel expires. The TTL is always sent, since Google's default is not documented reliably;
 * renew from the returned `expiration`, not from the TTL asked for.
 */
export async function watchCalendar(
  connection: Connection,
  channel: { channelId: string; address: string; token: string; ttlSeconds: number },
): Promise<CalendarChannel> {
  const result = await calendar(
    connection,
    "calendar.events.watch",
    channelSchema,
    calendarUrl(`${eventsPath}/watch`),
    {
      method: "POST",
      body: {
        id: channel.channelId,
        type: "web_hook",
        address: channel.address,
        token: channel.token,
        params: { ttl: String(channel.ttlSeconds) },
      },
    },
  );
  if (isRefused(result)) throw new CalendarResponseError(`calendar.events.watch: Calendar answered ${result.status}.`);
  return result;
}

/** Stops a push channel; one Google no longer knows (expired, or stopped before) counts as stopped. */
export async function stopCalendarChannel(
  connection: Connection,
  channel: { channelId: string; resourceId: string },
): Promise<void> {
  await calendar(connection, "calendar.channels.stop", z.unknown(), calendarUrl("channels/stop"), {
    method: "POST",
    body: { id: channel.channelId, resourceId: channel.resourceId },
  });
}
