import { demoContacts, demoPeople } from "../seed/demo-data";
import type { AttendeeResponse, CalendarAttendeeSeed, CalendarEventSeed } from "./calendar";

type Person = keyof typeof demoPeople;

/** One demo meeting, in days from the seed date and local hours of its calendar's owner. */
type DemoMeeting = {
  /** Event id suffix; a meeting shared by colleagues has the same id in each of their calendars, as in Google. */
  id: string;
  day: number;
  hour?: number;
  minutes?: number;
  /** All-day, over this many days, instead of a timed meeting. */
  allDays?: number;
  summary: string;
  description?: string;
  location?: string;
  /** Indexes into demoContacts(), with how each answered (accepted when absent). */
  contacts?: (number | [number, AttendeeResponse])[];
  colleagues?: Person[];
  /** Addresses that are no contact of the CRM. */
  strangers?: string[];
  /** A contact who organised the meeting and invited the calendar's owner. */
  organizerContact?: number;
  /** A colleague who organised it (the owner is an attendee). */
  organizerColleague?: Person;
  video?: boolean;
  status?: CalendarEventSeed["status"];
};

const timeZones: Record<Person, string> = {
  admin: "Europe/Amsterdam",
  member: "America/New_York",
  viewer: "Europe/London",
};

const meetings: Record<Person, DemoMeeting[]> = {
  admin: [
    { id: "01", day: -56, hour: 10, summary: "Fleet telematics discovery call", contacts: [0, 10], video: true },
    {
      id: "02",
      day: -42,
      hour: 9,
      minutes: 90,
      summary: "Umbrella Health onsite visit",
      location: "Umbrella Health HQ, Raccoon City",
      contacts: [2, 12, [22, "declined"]],
    },
    {
      id: "09",
      day: -49,
      hour: 14,
      minutes: 30,
      summary: "Initech support renewal check-in",
      contacts: [1, [21, "tentative"]],
    },
    { id: "03", day: -35, allDays: 2, summary: "Logistics Expo Rotterdam", location: "Ahoy, Rotterdam" },
    {
      id: "04",
      day: -21,
      hour: 15,
      summary: "Wayne Renewables: analytics add-on demo",
      contacts: [4, 14, [24, "tentative"]],
      strangers: ["j.doe@wayne-partners.example"],
      video: true,
    },
    {
      id: "05",
      day: -14,
      hour: 10,
      minutes: 30,
      summary: "Intro call (referral)",
      strangers: ["pat.morgan@newlead.example"],
    },
    {
      id: "06",
      day: -7,
      hour: 13,
      summary: "Hooli vendor briefing",
      description: "Hooli presents its procurement process to shortlisted vendors.",
      organizerContact: 17,
      contacts: [17],
    },
    {
      id: "07",
      day: 3,
      hour: 10,
      summary: "Tyrell Bio: proposal walkthrough",
      contacts: [5, [25, "needsAction"]],
      video: true,
      status: "tentative",
    },
    { id: "08", day: 24, hour: 9, summary: "Soylent Foods kickoff", contacts: [6, 16, 26], status: "cancelled" },
  ],
  member: [
    { id: "01", day: -58, hour: 11, summary: "Vandelay Industries: scanners intro", contacts: [8, 18, 28] },
    { id: "02", day: -45, hour: 15, summary: "Cyberdyne Systems demo", contacts: [9, 29], video: true },
    {
      id: "03",
      day: -38,
      hour: 8,
      minutes: 30,
      summary: "Coffee with Katherine",
      contacts: [3],
      location: "Blue Bottle, 5th Ave",
    },
    {
      id: "04",
      day: -12,
      hour: 17,
      minutes: 30,
      summary: "Call with a stealth startup",
      strangers: ["sam@stealth-startup.example"],
    },
    {
      id: "09",
      day: -20,
      hour: 13,
      minutes: 120,
      summary: "Initech onboarding workshop",
      location: "Initech, Austin",
      contacts: [1, 21],
    },
    {
      id: "05",
      day: -5,
      hour: 10,
      summary: "Umbrella Health contract review",
      organizerContact: 12,
      contacts: [12, 22],
    },
    { id: "06", day: -1, hour: 12, summary: "Dentist" },
    { id: "07", day: 7, hour: 14, summary: "Vandelay renewal negotiation", contacts: [[8, "tentative"]], video: true },
    { id: "08", day: 21, allDays: 1, summary: "Sales kickoff offsite", location: "Brooklyn" },
  ],
  viewer: [
    { id: "01", day: -50, hour: 11, summary: "Market research interview", contacts: [7] },
    { id: "02", day: -30, allDays: 1, summary: "Company holiday" },
    { id: "03", day: -18, hour: 14, summary: "Hooli partnership exploration", contacts: [17], video: true },
    {
      id: "04",
      day: -9,
      hour: 9,
      minutes: 30,
      summary: "Analyst briefing",
      contacts: [15],
      strangers: ["analyst@research-firm.example"],
    },
    { id: "05", day: -3, hour: 16, summary: "Cyberdyne reference call", contacts: [29, [9, "declined"]] },
    {
      id: "06",
      day: 12,
      hour: 19,
      minutes: 150,
      summary: "Globex executive dinner",
      location: "The Ivy, London",
      contacts: [0, 20],
    },
    {
      id: "07",
      day: 20,
      hour: 10,
      summary: "Tyrell Bio site visit",
      contacts: [25],
      location: "Tyrell Bio, Cambridge",
    },
  ],
};

/** Meetings between colleagues, in every participant's calendar under one id and at one instant. */
const sharedMeetings: (DemoMeeting & { organizer: Person; attendees: Person[] })[] = [
  { id: "01", day: -28, hour: 16, summary: "Pipeline review", organizer: "admin", attendees: ["member"] },
  {
    id: "03",
    day: 10,
    hour: 16,
    minutes: 30,
    summary: "Stark Logistics QBR",
    organizer: "admin",
    attendees: ["member"],
    contacts: [13],
  },
  {
    id: "04",
    day: 4,
    hour: 10,
    summary: "Learning session: the new CRM",
    organizer: "member",
    attendees: ["admin", "viewer"],
  },
  // A weekly series that looks recurring; the fake models no recurrence, so these are three separate events.
  ...[-14, -7, 0].map((day, index) => ({
    id: `1${index}`,
    day,
    hour: 15,
    minutes: 30,
    summary: "Weekly 1:1 Alice / Bob",
    organizer: "admin" as const,
    attendees: ["member" as const],
  })),
];

const dayMs = 24 * 3600 * 1000;

/** The offset of a time zone at an instant, in minutes east of UTC. */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  );
  const part = (name: Intl.DateTimeFormatPartTypes) => parts[name] ?? 0;
  const local = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return Math.round((local - instant) / 60_000);
}

/** RFC 3339 with the zone's offset at that moment, as Google writes dateTime. */
function zonedDateTime(instant: number, timeZone: string): string {
  const offset = offsetMinutes(instant, timeZone);
  const local = new Date(instant + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const sign = offset < 0 ? "-" : "+";
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
  const minutes = String(Math.abs(offset) % 60).padStart(2, "0");
  return `${local}${sign}${hours}:${minutes}`;
}

/** The instant of a wall-clock time (given as if it were UTC) in a zone. */
function instantOfLocal(localAsUtc: number, timeZone: string): number {
  const guess = localAsUtc - offsetMinutes(localAsUtc, timeZone) * 60_000;
  return localAsUtc - offsetMinutes(guess, timeZone) * 60_000;
}

const attendeeOfContact = (entry: number | [number, AttendeeResponse]): CalendarAttendeeSeed => {
  const [index, responseStatus] = typeof entry === "number" ? [entry, "accepted" as const] : entry;
  const contact = demoContacts()[index];
  if (!contact) throw new Error(`No demo contact ${index}`);
  return { email: contact.email, displayName: `${contact.firstName} ${contact.lastName}`, responseStatus };
};

const attendeeOfColleague = (person: Person): CalendarAttendeeSeed => ({
  email: demoPeople[person].email,
  displayName: demoPeople[person].name,
  responseStatus: "accepted",
});

/** One calendar's copy of a meeting: scheduled in the organiser's zone, written in the owner's. */
function seedOf(owner: Person, meeting: DemoMeeting, id: string, today: number): CalendarEventSeed {
  const timeZone = timeZones[owner];
  const day = today + meeting.day * dayMs;
  let start: CalendarEventSeed["start"];
  let end: CalendarEventSeed["end"];
  if (meeting.allDays !== undefined) {
    start = { date: new Date(day).toISOString().slice(0, 10) };
    end = { date: new Date(day + meeting.allDays * dayMs).toISOString().slice(0, 10) };
  } else {
    const scheduledIn = timeZones[meeting.organizerColleague ?? owner];
    const startsAt = instantOfLocal(day + (meeting.hour ?? 9) * 3600_000, scheduledIn);
    const endsAt = startsAt + (meeting.minutes ?? 60) * 60_000;
    start = { dateTime: zonedDateTime(startsAt, timeZone), timeZone };
    end = { dateTime: zonedDateTime(endsAt, timeZone), timeZone };
  }
  const invitedBy =
    meeting.organizerContact !== undefined
      ? attendeeOfContact(meeting.organizerContact)
      : meeting.organizerColleague !== undefined
        ? attendeeOfColleague(meeting.organizerColleague)
        : undefined;
  const attendees = [
    ...(meeting.colleagues ?? []).map(attendeeOfColleague),
    ...(meeting.contacts ?? []).map(attendeeOfContact),
    ...(meeting.strangers ?? []).map((email) => ({ email, responseStatus: "needsAction" as const })),
    // An invitee's copy lists the invitee; the fake adds the organiser itself.
    ...(invitedBy ? [attendeeOfColleague(owner)] : []),
  ];
  return {
    id,
    summary: meeting.summary,
    ...(meeting.description ? { description: meeting.description } : {}),
    ...(meeting.location ? { location: meeting.location } : {}),
    ...(meeting.status ? { status: meeting.status } : {}),
    start,
    end,
    ...(invitedBy
      ? { organizer: { email: invitedBy.email, displayName: invitedBy.displayName ?? invitedBy.email } }
      : {}),
    ...(attendees.length > 0 ? { attendees } : {}),
    ...(meeting.video ? { hangoutLink: `https://meet.google.com/${meetCode(id)}` } : {}),
  };
}

/** A Meet code (xxx-xxxx-xxx) derived from the event id, so every start shows the same links. */
function meetCode(id: string): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let state = [...id].reduce((hash, character) => (hash * 31 + (character.codePointAt(0) ?? 0)) >>> 0, 7);
  const code = Array.from({ length: 10 }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return letters[state % 26];
  }).join("");
  return `${code.slice(0, 3)}-${code.slice(3, 7)}-${code.slice(7)}`;
}

/** Deterministic demo calendars of alice, bob and victor, about 60 days back to 30 ahead of `now`'s UTC day. */
export function demoCalendars(now: number): Record<string, CalendarEventSeed[]> {
  const today = Math.floor(now / dayMs) * dayMs;
  const persons = Object.keys(demoPeople) as Person[];
  const calendars: Record<string, CalendarEventSeed[]> = Object.fromEntries(
    persons.map((person) => [
      demoPeople[person].email,
      meetings[person].map((meeting) =>
        seedOf(person, meeting, `demo${demoPeople[person].email.split("@")[0]}${meeting.id}`, today),
      ),
    ]),
  );
  for (const meeting of sharedMeetings) {
    const participants = [meeting.organizer, ...meeting.attendees];
    for (const person of participants) {
      const isOrganizer = person === meeting.organizer;
      const copy: DemoMeeting = {
        ...meeting,
        // The organiser is listed by the fake itself; an invitee's copy adds the invitee (seedOf).
        colleagues: participants.filter((other) => other !== person && other !== meeting.organizer),
        ...(isOrganizer ? { colleagues: meeting.attendees } : { organizerColleague: meeting.organizer }),
      };
      calendars[demoPeople[person].email]?.push(seedOf(person, copy, `demoshared${meeting.id}`, today));
    }
  }
  for (const events of Object.values(calendars)) events.sort((a, b) => eventStart(a) - eventStart(b));
  return calendars;
}

const eventStart = (event: CalendarEventSeed) =>
  Date.parse("date" in event.start ? `${event.start.date}T00:00:00Z` : event.start.dateTime);
