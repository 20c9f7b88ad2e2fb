import { getActivity } from "../../domain/activity/activity.queries";
import { maxActivityLinks, type UpdateActivityInput } from "../../domain/activity/activity.schema";
import { deleteActivity, updateActivity } from "../../domain/activity/activity.service";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { TenantContext } from "../../platform/request-context";
import {
  type CalendarEvent,
  type CalendarEventPage,
  CalendarResponseError,
  calendarChanges,
  listCalendarEvents,
  SyncTokenExpiredError,
} from "./calendar.client";
import type { ConnectionItem } from "./connection.queries";
import { integrationContext } from "./connection.service";
import { runSync, type SyncRunOutcome } from "./sync-runner";
import {
  activityClaimedBy,
  claimKeyOf,
  contactsWithAddresses,
  createSyncedActivity,
  rememberSyncedActivity,
} from "./synced-activities";

export const calendarResource = "calendar.events";
/** How far back a full sync looks; later events, future ones included, are all read. */
export const fullSyncDays = 60;
/** A meeting's duration is capped at a day, the most an activity's duration holds. */
const maxMeetingMinutes = 24 * 60;

/** What syncing one event did; everything but "unchanged" and "unmatched" is a write. */
type EventOutcome = "created" | "updated" | "removed" | "unchanged" | "unmatched";

/** The connection as the Calendar client addresses it. */
const on = (connection: ConnectionItem) => ({
  keys: { orgId: connection.orgId, connectionId: connection.connectionId },
});

/** The organizer's and attendees' addresses; rooms and other resources are not people. */
export function addressesOf(event: CalendarEvent): string[] {
  return [event.organizer, ...(event.attendees ?? [])]
    .filter((person) => person && !person.resource)
    .flatMap((person) => (person?.email ? [person.email] : []));
}

/**
 * The claim shared by every calendar that holds the meeting: its iCalUID (RFC 5545's UID), the same for the
 * organizer and every attendee. The instances of a recurring event share the series' UID and are told apart by
 * their original start, as RFC 5545's RECURRENCE-ID does.
 */
function meetingKey(event: CalendarEvent): string {
  const original = event.originalStartTime;
  const originalStart = original?.dateTime ? new Date(original.dateTime).toISOString() : original?.date;
  const instance = event.recurringEventId && originalStart ? `:${originalStart}` : "";
  return claimKeyOf(`gcal:${event.iCalUID ?? event.id}${instance}`);
}

/** This calendar's own name for the meeting: its event id, all that Google's cancellations are sure to carry. */
const calendarEventKey = (connection: ConnectionItem, event: CalendarEvent) =>
  claimKeyOf(`gcal-event:${connection.accountId}:${event.id}`);

type Meeting = { subject: string; occurredAt: string; durationMinutes?: number };
type Links = { contactIds: string[]; companyIds: string[] };

/** The event as a meeting's fields; undefined when it has no readable start. */
function meetingOf(event: CalendarEvent): Meeting | undefined {
  const subject = event.summary?.trim().slice(0, 200) || "(no title)";
  const { start, end } = event;
  if (start?.dateTime) {
    const startMs = Date.parse(start.dateTime);
    if (Number.isNaN(startMs)) return undefined;
    const endMs = end?.dateTime ? Date.parse(end.dateTime) : Number.NaN;
    const minutes = Math.round((endMs - startMs) / 60_000);
    return {
      subject,
      occurredAt: new Date(startMs).toISOString(),
      ...(Number.isFinite(minutes) && minutes >= 0 ? { durationMinutes: Math.min(minutes, maxMeetingMinutes) } : {}),
    };
  }
  // An all-day event has a date and no time zone of its own: it is placed at the date's midnight UTC, undurated.
  if (start?.date && /^\d{4}-\d{2}-\d{2}$/.test(start.date) && !Number.isNaN(Date.parse(start.date))) {
    return { subject, occurredAt: `${start.date}T00:00:00.000Z` };
  }
  return undefined;
}

/**
 * The links to add to a meeting: attendees who are contacts (and their companies) that it lacks, within the
 * activity's link limit. Links are never removed: the activity does not record which of them came from the
 * calendar and which from a person, and a person's link must not vanish because the invitation changed.
 */
function linksToAdd(current: { contactIds: string[]; companyIds: string[]; dealIds: string[] }, found: Links) {
  let room = maxActivityLinks - current.contactIds.length - current.companyIds.length - current.dealIds.length;
  const take = (ids: string[], have: string[]) => {
    const added = ids.filter((id) => !have.includes(id)).slice(0, Math.max(0, room));
    room -= added.length;
    return added;
  };
  return {
    contactIds: take(found.contactIds, current.contactIds),
    companyIds: take(found.companyIds, current.companyIds),
  };
}

/** Brings a synced meeting up to date with its event; writes nothing (no version, no audit entry) when it is. */
async function updateMeeting(
  context: TenantContext,
  activityId: string,
  meeting: Meeting,
  found: Links,
): Promise<EventOutcome> {
  try {
    const current = await getActivity(context, activityId);
    const added = linksToAdd(current, found);
    const change: UpdateActivityInput = {
      ...(current.subject === meeting.subject ? {} : { subject: meeting.subject }),
      ...(current.occurredAt === meeting.occurredAt ? {} : { occurredAt: meeting.occurredAt }),
      ...(current.durationMinutes === (meeting.durationMinutes ?? null)
        ? {}
        : { durationMinutes: meeting.durationMinutes ?? null }),
      ...(added.contactIds.length > 0 ? { contactIds: [...current.contactIds, ...added.contactIds] } : {}),
      ...(added.companyIds.length > 0 ? { companyIds: [...current.companyIds, ...added.companyIds] } : {}),
    };
    if (Object.keys(change).length === 0) return "unchanged";
    await updateActivity(context, activityId, change);
    return "updated";
  } catch (error) {
    // Someone deleted the meeting (or a cancellation did): a deleted meeting stays deleted; the claim keeps it so.
    if (error instanceof NotFoundError) return "unchanged";
    // A contact deleted meanwhile, as createSyncedActivity treats it: skipped, not a failed sync.
    if (error instanceof ValidationError) return "unmatched";
    throw error;
  }
}

/**
 * A cancelled event's meeting is deleted, not kept as cancelled: a timeline shows what happened, and a meeting
 * that did not take place did not. A cancellation on any calendar that holds the meeting removes it, which is what
 * an organizer's cancellation, the usual case, does on all of them. One already gone (deleted by someone, or by
 * another calendar's cancellation) is fine.
 */
async function removeCancelled(connection: ConnectionItem, event: CalendarEvent): Promise<EventOutcome> {
  const activityId =
    (await activityClaimedBy(connection.orgId, "synced-event", calendarEventKey(connection, event))) ??
    (event.iCalUID ? await activityClaimedBy(connection.orgId, "synced-event", meetingKey(event)) : undefined);
  if (!activityId) return "unmatched";
  try {
    await deleteActivity(
      integrationContext(connection, `integration:calendar:${connection.connectionId}:${event.id}`),
      activityId,
    );
    return "removed";
  } catch (error) {
    if (error instanceof NotFoundError) return "unchanged";
    throw error;
  }
}

/**
 * One event, as a meeting on the timelines of the contacts among its organizer and attendees (and their
 * companies), once: the claim is its iCalUID, so the copy on a second member's calendar is the same meeting. A
 * changed event updates its meeting in place. Events with no contact are not stored, and a meeting synced earlier
 * is left alone when its event no longer has one.
 */
async function recordEvent(connection: ConnectionItem, event: CalendarEvent): Promise<EventOutcome> {
  if (event.status === "cancelled") return removeCancelled(connection, event);
  const found = await contactsWithAddresses(connection.orgId, addressesOf(event));
  const meeting = meetingOf(event);
  if (found.contactIds.length === 0 || !meeting) return "unmatched";
  const context = integrationContext(connection, `integration:calendar:${connection.connectionId}:${event.id}`);
  const claim = { kind: "synced-event" as const, key: meetingKey(event) };
  const claimed = await activityClaimedBy(connection.orgId, claim.kind, claim.key);
  let outcome: EventOutcome;
  if (claimed) {
    outcome = await updateMeeting(context, claimed, meeting, found);
  } else {
    const created = await createSyncedActivity(context, claim, { type: "meeting", ...meeting, ...found });
    outcome = created === "created" ? "created" : "unchanged";
  }
  const activityId = claimed ?? (await activityClaimedBy(connection.orgId, claim.kind, claim.key));
  const ownKey = { kind: claim.kind, key: calendarEventKey(connection, event) };
  if (activityId && (await activityClaimedBy(connection.orgId, ownKey.kind, ownKey.key)) !== activityId) {
    await rememberSyncedActivity(connection.orgId, ownKey, activityId);
  }
  return outcome;
}

/** Reads every page of a listing and records its events; the last page's sync token is the next cursor. */
async function syncPages(connection: ConnectionItem, listPage: (pageToken?: string) => Promise<CalendarEventPage>) {
  let written = 0;
  let pageToken: string | undefined;
  let page: CalendarEventPage;
  do {
    page = await listPage(pageToken);
    for (const event of page.items ?? []) {
      const outcome = await recordEvent(connection, event);
      if (outcome !== "unchanged" && outcome !== "unmatched") written++;
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  if (!page.nextSyncToken) throw new CalendarResponseError("calendar.events.list: the last page has no sync token.");
  return { cursor: page.nextSyncToken, itemsSynced: written };
}

/** The last 60 days and everything after, from scratch; what was synced before is found by its claim. */
function fullSync(connection: ConnectionItem) {
  const since = new Date(Date.now() - fullSyncDays * 86_400_000);
  return syncPages(connection, (pageToken) => listCalendarEvents(on(connection), since, pageToken));
}

/**
 * Syncs a Google Calendar connection's primary calendar: incrementally from the stored sync token, or in full the
 * first time and whenever Google no longer accepts the token (its 410), without duplicating what an earlier run
 * created.
 */
export function syncCalendar(connection: ConnectionItem): Promise<SyncRunOutcome> {
  return runSync(connection, calendarResource, async (cursor) => {
    if (!cursor) return fullSync(connection);
    try {
      return await syncPages(connection, (pageToken) => calendarChanges(on(connection), cursor, pageToken));
    } catch (error) {
      if (error instanceof SyncTokenExpiredError) return fullSync(connection);
      throw error;
    }
  });
}
