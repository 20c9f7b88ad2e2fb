import { createHash, randomBytes } from "node:crypto";
import {
  type FakeGoogleAuthority,
  type FakeRequest,
  type FakeResponse,
  type FakeRoute,
  googleError,
  invalidCredentials,
  type TokenGrant,
} from "./fake-google-types";

/** A message to put into a mailbox, as its headers and text say it; the fake fills in what Gmail would. */
export type GmailMessageInput = {
  /** `Name <address>` or a bare address. */
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  /** The Date header and the internalDate; default: the fake's now. */
  date?: string | number | Date;
  body?: string;
  /** The RFC 5322 Message-ID with its angle brackets; generated (Gmail-style) when omitted. */
  messageId?: string;
  /** The Message-ID this one answers; puts it into the same thread when that message is in the mailbox. */
  inReplyTo?: string;
  /** Default: SENT when the mailbox owner sent it, else INBOX, UNREAD and CATEGORY_PERSONAL. */
  labelIds?: string[];
  threadId?: string;
};

/** What a Gmail call can be made to fail with: quota (403/429) and backend (5xx) errors, with Google's bodies. */
export type GmailFault =
  | { status: 403; reason: "userRateLimitExceeded" | "rateLimitExceeded" | "dailyLimitExceeded" }
  | { status: 429; reason?: "rateLimitExceeded" }
  | { status: 500 | 502 | 503 | 504; reason?: "backendError" };

export type GmailWatch = {
  email: string;
  topicName: string;
  labelIds: string[];
  labelFilterBehavior: "include" | "exclude";
  /** Epoch milliseconds; no notifications after it. */
  expiration: number;
};

export type GmailMessageSummary = {
  id: string;
  threadId: string;
  messageId: string;
  labelIds: string[];
  historyId: string;
  internalDate: number;
  subject: string;
  from: string;
  to: string;
  cc: string | undefined;
};

/** A notification the mailbox raised for its watch; `dropped` when it came within a second of the previous one. */
export type GmailNotification = { email: string; topicName: string; historyId: number; dropped: boolean };

export type GmailRequestRecord = { operation: GmailOperation; email: string | undefined; status: number };

export type GmailOperation =
  | "getProfile"
  | "messages.list"
  | "messages.get"
  | "history.list"
  | "labels.list"
  | "watch"
  | "stop";

/** Test and demo controls of the Gmail part. */
export type FakeGmailControls = {
  /** Puts a message into one mailbox (a history record, and a push if the mailbox is watched). */
  addMessage(email: string, message: GmailMessageInput): { id: string; threadId: string; historyId: string };
  /** Puts one message into the sender's and every recipient's mailbox that this fake has (one Message-ID, own ids). */
  deliver(message: GmailMessageInput): { email: string; id: string; threadId: string; historyId: string }[];
  modifyLabels(email: string, id: string, change: { add?: string[]; remove?: string[] }): string;
  deleteMessage(email: string, id: string): string;
  messages(email: string): GmailMessageSummary[];
  /** The mailbox's current historyId (a string, as the API gives it). */
  historyId(email: string): string;
  /** Forgets the mailbox's history: every earlier startHistoryId now gets 404, as after Gmail's retention. */
  expireHistory(email: string): void;
  /** The next `count` authorised Gmail calls fail with this fault. */
  failNext(count: number, fault: GmailFault): void;
  watches(): GmailWatch[];
  notifications(): GmailNotification[];
  requests(): GmailRequestRecord[];
};

export type FakeGmailOptions = {
  /** Mailbox owners; a mailbox is also opened for any other account that presents a token. */
  accounts: string[];
  /** Messages already in the mailboxes at start, by owner email. */
  seed?: Record<string, GmailMessageInput[]>;
  /** How long history records are kept (Gmail: "at least a week", sometimes hours); default 7 days. */
  historyRetentionMs?: number;
  /** How long a watch lasts; default 7 days, as Gmail's. */
  watchTtlMs?: number;
  /**
   * Gmail sends at most one notification per second per user and drops the rest; 0 turns the cap off. Measured in
   * real time, not on the fake's clock, so a test with a frozen clock does not lose every later notification.
   */
  notificationIntervalMs?: number;
  /** Gmail's per-user quota (15,000 units a minute, on the fake's clock); beyond it, 403 userRateLimitExceeded. */
  quotaUnitsPerUserMinute?: number;
  /** Where notifications for a watched mailbox go: the topic named by the watch, and Gmail's data. */
  publish?: (topicName: string, data: { emailAddress: string; historyId: number }) => void;
};

export type FakeGmail = { route: FakeRoute; controls: FakeGmailControls };

const scope = (name: string) => `https://www.googleapis.com/auth/gmail.${name}`;
const metadataScope = scope("metadata");
/** The scopes Gmail's discovery document lists for the read methods, watch and stop. */
const readScopes = new Set(["https://mail.google.com/", scope("modify"), scope("readonly"), metadataScope]);

/** Quota units per call, from Gmail's quota table. */
const quotaUnits: Record<GmailOperation, number> = {
  getProfile: 1,
  "messages.list": 5,
  "messages.get": 5,
  "history.list": 2,
  "labels.list": 1,
  watch: 100,
  stop: 50,
};

const day = 24 * 60 * 60 * 1000;
const systemLabels = [
  "INBOX",
  "SENT",
  "UNREAD",
  "STARRED",
  "IMPORTANT",
  "DRAFT",
  "SPAM",
  "TRASH",
  "CATEGORY_PERSONAL",
  "CATEGORY_SOCIAL",
  "CATEGORY_PROMOTIONS",
  "CATEGORY_UPDATES",
  "CATEGORY_FORUMS",
];
const historyTypes = ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"] as const;
type HistoryType = (typeof historyTypes)[number];

type Header = { name: string; value: string };

type StoredMessage = {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  historyId: number;
  headers: Header[];
  body: string;
  raw: string;
  deleted: boolean;
};

type MessageReference = { id: string; threadId: string; labelIds: string[] };

type HistoryRecord = {
  id: number;
  /** When the change happened, on the fake's clock: retention counts from it. */
  at: number;
  type: HistoryType;
  message: MessageReference;
  /** For label changes: the labels added or removed. */
  labelIds?: string[];
};

type Mailbox = {
  email: string;
  historyId: number;
  /** The newest history record that was dropped; a startHistoryId below it has lost changes (404). */
  floor: number;
  messages: Map<string, StoredMessage>;
  history: HistoryRecord[];
  watch: GmailWatch | undefined;
  lastNotifiedAt: number;
  random: () => number;
};

/** A small seeded PRNG (mulberry32), so a mailbox's ids and gaps are the same on every start. */
export function seededRandom(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses and the message's text

type Address = { name: string | undefined; address: string };

/** Splits an address list at the commas outside quotes and angle brackets. */
function parseAddresses(value: string | string[] | undefined): Address[] {
  const items = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const parts: string[] = [];
  for (const item of items) {
    let current = "";
    let quoted = false;
    let angled = false;
    for (const character of item) {
      if (character === '"') quoted = !quoted;
      if (!quoted && character === "<") angled = true;
      if (!quoted && character === ">") angled = false;
      if (character === "," && !quoted && !angled) {
        parts.push(current);
        current = "";
      } else {
        current += character;
      }
    }
    parts.push(current);
  }
  return parts
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(.*?)\s*<([^>]+)>$/.exec(part);
      if (!match) return { name: undefined, address: part };
      const name = (match[1] as string).trim().replace(/^"(.*)"$/, "$1");
      return { name: name || undefined, address: (match[2] as string).trim() };
    });
}

const formatAddress = ({ name, address }: Address) => {
  if (!name) return address;
  return /[",<>@;:()[\]]/.test(name) ? `"${name.replace(/"/g, '\\"')}" <${address}>` : `${name} <${address}>`;
};

/** RFC 2047 encoded-word for a non-ASCII header part, as mail clients write them. */
const encodeWord = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  /^[\x00-\x7f]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;

const rawAddresses = (addresses: Address[]) =>
  addresses
    .map(({ name, address }) => (name ? formatAddress({ name: encodeWord(name), address }) : address))
    .join(", ");

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** The Date header as mail software writes it: `Tue, 1 Dec 2026 10:04:05 +0000`. */
function rfc5322Date(epochMs: number): string {
  const date = new Date(epochMs);
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
  return `${weekdays[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${time} +0000`;
}

/** Gmail's snippet: the start of the text, whitespace collapsed, HTML-escaped. */
const snippetOf = (body: string) =>
  body
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200)
    .replace(
      /[&<>"']/g,
      (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] as string,
    );

const toEpochMs = (date: GmailMessageInput["date"], fallback: number) => {
  if (date === undefined) return fallback;
  const value = date instanceof Date ? date.getTime() : typeof date === "number" ? date : Date.parse(date);
  if (Number.isNaN(value)) throw new Error(`Not a date: ${String(date)}`);
  return value;
};

// ---------------------------------------------------------------------------------------------------------------
// Query (`q`) and page tokens

/** The small part of Gmail's search syntax the fake understands: from:, to:, cc:, subject:, after:, before:, newer_than:, older_than:, label:, in:, is:unread, rfc822msgid:, and words. */
function matchesQuery(message: StoredMessage, query: string, now: number): boolean {
  const header = (name: string) =>
    message.headers
      .filter((entry) => entry.name.toLowerCase() === name)
      .map((entry) => entry.value.toLowerCase())
      .join(" ");
  const parseDay = (text: string) =>
    /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(`${text.replace(/\//g, "-")}T00:00:00Z`);
  const ageMs = (text: string) => {
    const match = /^(\d+)([dmy])$/.exec(text);
    if (!match) return Number.NaN;
    return Number(match[1]) * { d: day, m: 30 * day, y: 365 * day }[match[2] as "d" | "m" | "y"];
  };
  const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return terms.every((term) => {
    const [, operator, rawValue] = /^(?:(\w+):)?(.*)$/.exec(term) as RegExpExecArray;
    const value = (rawValue ?? "").replace(/"/g, "").toLowerCase();
    switch (operator?.toLowerCase()) {
      case "from":
      case "to":
      case "cc":
      case "subject":
        return header(operator.toLowerCase()).includes(value);
      case "after":
        return message.internalDate >= parseDay(value);
      case "before":
        return message.internalDate < parseDay(value);
      case "newer_than":
        return message.internalDate >= now - ageMs(value);
      case "older_than":
        return message.internalDate < now - ageMs(value);
      case "label":
      case "in":
        return value === "anywhere" || message.labelIds.some((label) => label.toLowerCase() === value);
      case "is":
        return value === "unread"
          ? message.labelIds.includes("UNREAD")
          : message.labelIds.includes(value.toUpperCase());
      case "rfc822msgid":
        return header("message-id").includes(value);
      default:
        return `${header("subject")} ${header("from")} ${header("to")} ${message.body.toLowerCase()}`.includes(
          term.replace(/"/g, "").toLowerCase(),
        );
    }
  });
}

const pageToken = (value: string) => Buffer.from(value).toString("base64url");
const readPageToken = (token: string) => Buffer.from(token, "base64url").toString("utf8");

const invalidArgument = (message: string) => googleError(400, "invalidArgument", message);
const notFound = () => googleError(404, "notFound", "Requested entity was not found.");
const forbidden = (message: string) => googleError(403, "forbidden", message);

function faultResponse(fault: GmailFault): FakeResponse {
  if (fault.status === 403) {
    const messages = {
      userRateLimitExceeded: "User Rate Limit Exceeded",
      rateLimitExceeded: "Rate Limit Exceeded",
      dailyLimitExceeded: "Daily Limit Exceeded",
    };
    return googleError(403, fault.reason, messages[fault.reason], "usageLimits");
  }
  if (fault.status === 429) return googleError(429, "rateLimitExceeded", "Too many concurrent requests for user");
  return googleError(fault.status, "backendError", "Backend Error");
}

/** Parses a repeated query parameter, also accepting comma-separated values. */
const repeated = (query: URLSearchParams, name: string) =>
  query.getAll(name).flatMap((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );

function maxResultsOf(query: URLSearchParams, fallback: number): number | FakeResponse {
  const text = query.get("maxResults");
  if (text === null) return fallback;
  if (!/^\d+$/.test(text))
    return invalidArgument(`Invalid value '${text}'. Values must match the following regular expression: '[0-9]+'`);
  // Gmail caps maxResults at 500 rather than refusing more.
  return Math.min(Math.max(Number(text), 1), 500);
}

// ---------------------------------------------------------------------------------------------------------------
// The Gmail API

/** Gmail's users.* API over in-memory mailboxes, authorised by the fake's OAuth part. */
export function createFakeGmail(authority: FakeGoogleAuthority, options: FakeGmailOptions): FakeGmail {
  const retentionMs = options.historyRetentionMs ?? 7 * day;
  const watchTtlMs = options.watchTtlMs ?? 7 * day;
  const notificationIntervalMs = options.notificationIntervalMs ?? 1000;
  const quotaPerMinute = options.quotaUnitsPerUserMinute ?? 15_000;
  const mailboxes = new Map<string, Mailbox>();
  const faults: GmailFault[] = [];
  const usage = new Map<string, { at: number; units: number }[]>();
  const requestLog: GmailRequestRecord[] = [];
  const notificationLog: GmailNotification[] = [];

  const mailboxOf = (email: string): Mailbox => {
    const key = email.trim().toLowerCase();
    let mailbox = mailboxes.get(key);
    if (!mailbox) {
      const random = seededRandom(key);
      const start = 1_000_000 + Math.floor(random() * 8_000_000);
      mailbox = {
        email: key,
        historyId: start,
        floor: start,
        messages: new Map(),
        history: [],
        watch: undefined,
        lastNotifiedAt: Number.NEGATIVE_INFINITY,
        random,
      };
      mailboxes.set(key, mailbox);
    }
    return mailbox;
  };

  /** Drops the history records past retention; the newest dropped one becomes the floor. */
  const prune = (mailbox: Mailbox) => {
    const oldestKept = authority.now() - retentionMs;
    while (mailbox.history.length > 0 && (mailbox.history[0] as HistoryRecord).at < oldestKept) {
      mailbox.floor = (mailbox.history.shift() as HistoryRecord).id;
    }
  };

  /** Moves the mailbox's historyId on by a random gap (Gmail's ids are increasing but not contiguous). */
  const nextHistoryId = (mailbox: Mailbox) => {
    mailbox.historyId += 1 + Math.floor(mailbox.random() * 97);
    return mailbox.historyId;
  };

  const reference = (message: StoredMessage): MessageReference => ({
    id: message.id,
    threadId: message.threadId,
    labelIds: [...message.labelIds],
  });

  const notify = (mailbox: Mailbox, labelsInvolved: string[]) => {
    const watch = mailbox.watch;
    if (!watch || watch.expiration <= authority.now()) return;
    if (watch.labelIds.length > 0) {
      const matches = labelsInvolved.some((label) => watch.labelIds.includes(label));
      if (watch.labelFilterBehavior === "include" ? !matches : matches) return;
    }
    const realNow = Date.now();
    const dropped = notificationIntervalMs > 0 && realNow - mailbox.lastNotifiedAt < notificationIntervalMs;
    notificationLog.push({ email: mailbox.email, topicName: watch.topicName, historyId: mailbox.historyId, dropped });
    if (dropped) return;
    mailbox.lastNotifiedAt = realNow;
    options.publish?.(watch.topicName, { emailAddress: mailbox.email, historyId: mailbox.historyId });
  };

  const record = (mailbox: Mailbox, change: Omit<HistoryRecord, "id" | "at">, at: number, labelsInvolved: string[]) => {
    const id = nextHistoryId(mailbox);
    mailbox.history.push({ ...change, id, at });
    notify(mailbox, labelsInvolved);
    return id;
  };

  const newMessageId = (mailbox: Mailbox, internalDate: number) => {
    // Gmail ids are 16 hex digits that grow with the message's time.
    for (;;) {
      const id = ((BigInt(internalDate) << 20n) | BigInt(Math.floor(mailbox.random() * 0x100000))).toString(16);
      if (!mailbox.messages.has(id)) return id;
    }
  };

  const insert = (owner: string, input: GmailMessageInput, at: number) => {
    const mailbox = mailboxOf(owner);
    const internalDate = toEpochMs(input.date, at);
    const id = newMessageId(mailbox, internalDate);
    const from = parseAddresses(input.from);
    const to = parseAddresses(input.to);
    const cc = parseAddresses(input.cc);
    const messageId =
      input.messageId ??
      `<CA${Buffer.from(id + mailbox.email)
        .toString("base64url")
        .slice(0, 40)}@mail.gmail.com>`;
    const sentByOwner = from.some((address) => address.address.toLowerCase() === mailbox.email);
    const labelIds = input.labelIds ?? (sentByOwner ? ["SENT"] : ["INBOX", "UNREAD", "CATEGORY_PERSONAL"]);
    const repliedTo =
      input.inReplyTo === undefined
        ? undefined
        : [...mailbox.messages.values()].find((message) =>
            message.headers.some((h) => h.name === "Message-ID" && h.value === input.inReplyTo),
          );
    const threadId =
      (input.threadId !== undefined &&
        [...mailbox.messages.values()].find((m) => m.threadId === input.threadId)?.threadId) ||
      repliedTo?.threadId ||
      id;
    const body = input.body ?? "";
    const headers: Header[] = [
      ...(sentByOwner ? [] : [{ name: "Delivered-To", value: mailbox.email }]),
      { name: "MIME-Version", value: "1.0" },
      { name: "Date", value: rfc5322Date(internalDate) },
      { name: "Message-ID", value: messageId },
      ...(input.inReplyTo === undefined
        ? []
        : [
            { name: "In-Reply-To", value: input.inReplyTo },
            { name: "References", value: input.inReplyTo },
          ]),
      { name: "Subject", value: input.subject },
      { name: "From", value: from.map(formatAddress).join(", ") },
      { name: "To", value: to.map(formatAddress).join(", ") },
      ...(cc.length > 0 ? [{ name: "Cc", value: cc.map(formatAddress).join(", ") }] : []),
      { name: "Content-Type", value: 'text/plain; charset="UTF-8"' },
      { name: "Content-Transfer-Encoding", value: "8bit" },
    ];
    // The raw form carries non-ASCII header text as encoded words; the API's headers give it decoded.
    const rawHeaders = headers.map(({ name, value }) => {
      if (name === "Subject") return `${name}: ${encodeWord(value)}`;
      if (name === "From") return `${name}: ${rawAddresses(from)}`;
      if (name === "To") return `${name}: ${rawAddresses(to)}`;
      if (name === "Cc") return `${name}: ${rawAddresses(cc)}`;
      return `${name}: ${value}`;
    });
    const message: StoredMessage = {
      id,
      threadId,
      labelIds,
      internalDate,
      historyId: 0,
      headers,
      body,
      raw: `${rawHeaders.join("\r\n")}\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}`,
      deleted: false,
    };
    mailbox.messages.set(id, message);
    message.historyId = record(mailbox, { type: "messageAdded", message: reference(message) }, at, labelIds);
    return { id, threadId, historyId: String(message.historyId) };
  };

  for (const email of options.accounts) mailboxOf(email);
  for (const [email, messages] of Object.entries(options.seed ?? {})) {
    const ordered = [...messages].sort((a, b) => toEpochMs(a.date, 0) - toEpochMs(b.date, 0));
    // A seeded message arrived at its date, so history older than retention is already gone.
    for (const message of ordered) insert(email, message, toEpochMs(message.date, authority.now()));
  }

  const storedMessage = (email: string, id: string) => {
    const message = mailboxOf(email).messages.get(id);
    if (!message || message.deleted) throw new Error(`No message ${id} in ${email}'s fake mailbox`);
    return message;
  };

  // --- the REST surface ----------------------------------------------------------------------------------------

  const metadataOnly = (grant: TokenGrant) =>
    // A token that carries gmail.metadata is held to it even alongside broader Gmail scopes.
    grant.scopes.includes(metadataScope);

  const spendQuota = (email: string, operation: GmailOperation): boolean => {
    const now = authority.now();
    const spent = (usage.get(email) ?? []).filter((entry) => entry.at > now - 60_000);
    const total = spent.reduce((sum, entry) => sum + entry.units, 0);
    if (total + quotaUnits[operation] > quotaPerMinute) {
      usage.set(email, spent);
      return false;
    }
    spent.push({ at: now, units: quotaUnits[operation] });
    usage.set(email, spent);
    return true;
  };

  const profile = (mailbox: Mailbox): FakeResponse => {
    const live = [...mailbox.messages.values()].filter((message) => !message.deleted);
    return {
      status: 200,
      json: {
        emailAddress: mailbox.email,
        messagesTotal: live.length,
        threadsTotal: new Set(live.map((message) => message.threadId)).size,
        historyId: String(mailbox.historyId),
      },
    };
  };

  const listMessages = (mailbox: Mailbox, query: URLSearchParams, grant: TokenGrant): FakeResponse => {
    const q = query.get("q");
    if (q !== null && q !== "" && metadataOnly(grant))
      return forbidden("Metadata scope does not support 'q' parameter");
    const maxResults = maxResultsOf(query, 100);
    if (typeof maxResults !== "number") return maxResults;
    const labelIds = repeated(query, "labelIds");
    const includeSpamTrash = query.get("includeSpamTrash") === "true";
    const now = authority.now();
    const matching = [...mailbox.messages.values()]
      .filter((message) => !message.deleted)
      .filter((message) => labelIds.every((label) => message.labelIds.includes(label)))
      .filter(
        (message) =>
          includeSpamTrash ||
          labelIds.includes("SPAM") ||
          labelIds.includes("TRASH") ||
          !message.labelIds.some((label) => label === "SPAM" || label === "TRASH"),
      )
      .filter((message) => !q || matchesQuery(message, q, now))
      .sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
    let start = 0;
    const token = query.get("pageToken");
    if (token) {
      const [date, id] = readPageToken(token).split(":");
      if (!date || !id || !/^\d+$/.test(date)) return invalidArgument("Invalid pageToken");
      const position = matching.findIndex(
        (message) => message.internalDate < Number(date) || (message.internalDate === Number(date) && message.id < id),
      );
      start = position < 0 ? matching.length : position;
    }
    const pageItems = matching.slice(start, start + maxResults);
    const last = pageItems[pageItems.length - 1];
    const more = start + maxResults < matching.length && last !== undefined;
    return {
      status: 200,
      json: {
        // Google leaves out empty lists.
        ...(pageItems.length > 0 ? { messages: pageItems.map(({ id, threadId }) => ({ id, threadId })) } : {}),
        ...(more ? { nextPageToken: pageToken(`${last.internalDate}:${last.id}`) } : {}),
        resultSizeEstimate: matching.length,
      },
    };
  };

  const getMessage = (mailbox: Mailbox, id: string, query: URLSearchParams, grant: TokenGrant): FakeResponse => {
    const format = (query.get("format") ?? "full").toLowerCase();
    if (!["minimal", "metadata", "full", "raw"].includes(format)) {
      return invalidArgument(
        `Invalid value at 'format' (type.googleapis.com/gmail.v1.Format), "${query.get("format")}"`,
      );
    }
    if ((format === "full" || format === "raw") && metadataOnly(grant)) {
      return forbidden(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
    }
    if (!/^[0-9a-f]{1,16}$/i.test(id)) return invalidArgument("Invalid id value");
    const message = mailbox.messages.get(id.toLowerCase());
    if (!message || message.deleted) return notFound();
    const sizeEstimate = Buffer.byteLength(message.raw);
    const common = {
      id: message.id,
      threadId: message.threadId,
      labelIds: [...message.labelIds],
      // The snippet comes from the body, which the metadata scope does not reach.
      ...(metadataOnly(grant) ? {} : { snippet: snippetOf(message.body) }),
      sizeEstimate,
      historyId: String(message.historyId),
      internalDate: String(message.internalDate),
    };
    if (format === "minimal") return { status: 200, json: common };
    if (format === "raw") {
      return { status: 200, json: { ...common, raw: Buffer.from(message.raw, "utf8").toString("base64url") } };
    }
    if (format === "metadata") {
      const wanted = repeated(query, "metadataHeaders").map((name) => name.toLowerCase());
      const headers =
        wanted.length === 0 ? message.headers : message.headers.filter((h) => wanted.includes(h.name.toLowerCase()));
      return { status: 200, json: { ...common, payload: { mimeType: "text/plain", headers } } };
    }
    const data = Buffer.from(message.body, "utf8");
    return {
      status: 200,
      json: {
        ...common,
        payload: {
          partId: "",
          mimeType: "text/plain",
          filename: "",
          headers: message.headers,
          body: { size: data.length, ...(data.length > 0 ? { data: data.toString("base64url") } : {}) },
        },
      },
    };
  };

  const listHistory = (mailbox: Mailbox, query: URLSearchParams): FakeResponse => {
    const startText = query.get("startHistoryId");
    if (startText === null || startText === "") return invalidArgument("Missing required parameter: startHistoryId");
    if (!/^\d+$/.test(startText)) return invalidArgument(`Invalid value '${startText}' for startHistoryId`);
    const types = repeated(query, "historyTypes");
    const unknownType = types.find((type) => !historyTypes.includes(type as HistoryType));
    if (unknownType) return invalidArgument(`Invalid value at 'history_types' "${unknownType}"`);
    const maxResults = maxResultsOf(query, 100);
    if (typeof maxResults !== "number") return maxResults;
    const labelId = query.get("labelId");
    prune(mailbox);
    const start = Number(startText);
    // Zero, older than what is kept, or later than the mailbox has reached: Gmail answers 404 and the client must do
    // a full sync.
    if (start === 0 || start < mailbox.floor || start > mailbox.historyId) return notFound();
    let after = start;
    const token = query.get("pageToken");
    if (token) {
      const resumeAt = readPageToken(token);
      if (!/^\d+$/.test(resumeAt)) return invalidArgument("Invalid pageToken");
      after = Math.max(after, Number(resumeAt));
      if (after < mailbox.floor) return notFound();
    }
    const matching = mailbox.history
      .filter((entry) => entry.id > after)
      .filter((entry) => types.length === 0 || types.includes(entry.type))
      .filter(
        (entry) => labelId === null || entry.message.labelIds.includes(labelId) || entry.labelIds?.includes(labelId),
      );
    const pageItems = matching.slice(0, maxResults);
    const last = pageItems[pageItems.length - 1];
    const field: Record<HistoryType, string> = {
      messageAdded: "messagesAdded",
      messageDeleted: "messagesDeleted",
      labelAdded: "labelsAdded",
      labelRemoved: "labelsRemoved",
    };
    const history = pageItems.map((entry) => ({
      id: String(entry.id),
      messages: [{ id: entry.message.id, threadId: entry.message.threadId }],
      [field[entry.type]]: [
        {
          message: entry.message,
          ...(entry.labelIds ? { labelIds: entry.labelIds } : {}),
        },
      ],
    }));
    return {
      status: 200,
      json: {
        ...(history.length > 0 ? { history } : {}),
        ...(matching.length > maxResults && last ? { nextPageToken: pageToken(String(last.id)) } : {}),
        historyId: String(mailbox.historyId),
      },
    };
  };

  const watch = (mailbox: Mailbox, request: FakeRequest): FakeResponse => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body.toString("utf8") || "{}");
    } catch {
      return invalidArgument("Invalid JSON payload received.");
    }
    const topicName = typeof body.topicName === "string" ? body.topicName : "";
    if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName)) {
      return invalidArgument("Invalid topicName does not match projects/SOME_ANDROID_PROJECT/topics/*");
    }
    const behaviour = String(body.labelFilterBehavior ?? body.labelFilterAction ?? "include").toLowerCase();
    if (behaviour !== "include" && behaviour !== "exclude") {
      return invalidArgument(`Invalid value at 'label_filter_behavior' "${behaviour}"`);
    }
    const labelIds = Array.isArray(body.labelIds) ? body.labelIds.map(String) : [];
    // Calling watch again replaces the watch and renews it.
    mailbox.watch = {
      email: mailbox.email,
      topicName,
      labelIds,
      labelFilterBehavior: behaviour,
      expiration: authority.now() + watchTtlMs,
    };
    return {
      status: 200,
      json: { historyId: String(mailbox.historyId), expiration: String(mailbox.watch.expiration) },
    };
  };

  const labels = (mailbox: Mailbox): FakeResponse => {
    const used = new Set([...mailbox.messages.values()].flatMap((message) => message.labelIds));
    const userLabels = [...used].filter((label) => !systemLabels.includes(label));
    return {
      status: 200,
      json: {
        labels: [
          ...systemLabels.map((id) => ({ id, name: id, type: "system" })),
          ...userLabels.map((id) => ({ id, name: id, type: "user" })),
        ],
      },
    };
  };

  const operationOf = (method: string, rest: string[]): GmailOperation | undefined => {
    const [resource, id, extra] = rest;
    if (method === "GET" && resource === "profile" && rest.length === 1) return "getProfile";
    if (method === "GET" && resource === "messages" && rest.length === 1) return "messages.list";
    if (method === "GET" && resource === "messages" && id && extra === undefined) return "messages.get";
    if (method === "GET" && resource === "history" && rest.length === 1) return "history.list";
    if (method === "GET" && resource === "labels" && rest.length === 1) return "labels.list";
    if (method === "POST" && resource === "watch" && rest.length === 1) return "watch";
    if (method === "POST" && resource === "stop" && rest.length === 1) return "stop";
    return undefined;
  };

  const handle = (request: FakeRequest, operation: GmailOperation, userId: string, rest: string[]): FakeResponse => {
    const grant = authority.grantOf(request.headers.authorization);
    if (!grant) return invalidCredentials();
    if (!grant.scopes.some((granted) => readScopes.has(granted))) {
      return {
        ...googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes."),
        headers: {
          "www-authenticate": `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${[...readScopes].join(" ")}"`,
        },
      };
    }
    const owner = grant.account.email;
    if (userId !== "me" && userId.toLowerCase() !== owner) return forbidden(`Delegation denied for ${owner}`);
    const fault = faults.shift();
    if (fault) return faultResponse(fault);
    if (!spendQuota(owner, operation)) {
      return googleError(403, "userRateLimitExceeded", "User Rate Limit Exceeded", "usageLimits");
    }
    const mailbox = mailboxOf(owner);
    const query = request.url.searchParams;
    switch (operation) {
      case "getProfile":
        return profile(mailbox);
      case "messages.list":
        return listMessages(mailbox, query, grant);
      case "messages.get":
        return getMessage(mailbox, rest[1] as string, query, grant);
      case "history.list":
        return listHistory(mailbox, query);
      case "labels.list":
        return labels(mailbox);
      case "watch":
        return watch(mailbox, request);
      case "stop":
        mailbox.watch = undefined;
        return { status: 204 };
    }
  };

  const route: FakeRoute = (request) => {
    const match = /^\/gmail\/v1\/users\/([^/]+)\/(.+)$/.exec(request.url.pathname);
    if (!match) return undefined;
    const userId = decodeURIComponent(match[1] as string);
    const rest = (match[2] as string).split("/").map(decodeURIComponent);
    const operation = operationOf(request.method, rest);
    if (!operation) return undefined;
    const answer = handle(request, operation, userId, rest);
    const grant = authority.grantOf(request.headers.authorization);
    requestLog.push({ operation, email: grant?.account.email, status: answer.status });
    return answer;
  };

  const controls: FakeGmailControls = {
    addMessage: (email, message) => insert(email, message, authority.now()),
    deliver: (message) => {
      const owners = [
        ...parseAddresses(message.from),
        ...parseAddresses(message.to),
        ...parseAddresses(message.cc),
      ].map((address) => address.address.toLowerCase());
      const at = authority.now();
      // One copy per mailbox under one Message-ID; each mailbox gives it its own Gmail id and labels.
      const shared = {
        ...message,
        messageId: message.messageId ?? `<${randomBytes(16).toString("hex")}@mail.gmail.com>`,
      };
      return [...new Set(owners)]
        .filter((owner) => mailboxes.has(owner))
        .map((owner) => ({ email: owner, ...insert(owner, shared, at) }));
    },
    modifyLabels: (email, id, { add = [], remove = [] }) => {
      const mailbox = mailboxOf(email);
      const message = storedMessage(email, id);
      const at = authority.now();
      const added = add.filter((label) => !message.labelIds.includes(label));
      const removed = remove.filter((label) => message.labelIds.includes(label));
      const before = [...message.labelIds];
      message.labelIds = [...message.labelIds.filter((label) => !removed.includes(label)), ...added];
      const involved = [...new Set([...before, ...message.labelIds])];
      if (added.length > 0) {
        message.historyId = record(
          mailbox,
          { type: "labelAdded", message: reference(message), labelIds: added },
          at,
          involved,
        );
      }
      if (removed.length > 0) {
        message.historyId = record(
          mailbox,
          { type: "labelRemoved", message: reference(message), labelIds: removed },
          at,
          involved,
        );
      }
      return String(mailbox.historyId);
    },
    deleteMessage: (email, id) => {
      const mailbox = mailboxOf(email);
      const message = storedMessage(email, id);
      message.deleted = true;
      record(mailbox, { type: "messageDeleted", message: reference(message) }, authority.now(), message.labelIds);
      return String(mailbox.historyId);
    },
    messages: (email) =>
      [...mailboxOf(email).messages.values()]
        .filter((message) => !message.deleted)
        .sort((a, b) => a.internalDate - b.internalDate)
        .map((message) => {
          const header = (name: string) => message.headers.find((h) => h.name === name)?.value;
          return {
            id: message.id,
            threadId: message.threadId,
            messageId: header("Message-ID") ?? "",
            labelIds: [...message.labelIds],
            historyId: String(message.historyId),
            internalDate: message.internalDate,
            subject: header("Subject") ?? "",
            from: header("From") ?? "",
            to: header("To") ?? "",
            cc: header("Cc"),
          };
        }),
    historyId: (email) => String(mailboxOf(email).historyId),
    expireHistory: (email) => {
      const mailbox = mailboxOf(email);
      mailbox.history = [];
      mailbox.floor = mailbox.historyId;
    },
    failNext: (count, fault) => {
      for (let index = 0; index < count; index += 1) faults.push(fault);
    },
    watches: () => [...mailboxes.values()].flatMap((mailbox) => (mailbox.watch ? [{ ...mailbox.watch }] : [])),
    notifications: () => notificationLog.map((entry) => ({ ...entry })),
    requests: () => requestLog.map((entry) => ({ ...entry })),
  };

  return { route, controls };
}
