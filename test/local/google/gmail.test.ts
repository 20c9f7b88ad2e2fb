import { type FakeGoogle, startFakeGoogle } from "@crm/local/google";
import { demoContacts, demoPeople } from "@crm/local/seed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: the tests inspect Google's JSON dynamically
type Json = Record<string, any>;

const client = {
  clientId: "crm-test.apps.googleusercontent.com",
  clientSecret: "fake-test-secret",
  redirectUris: ["http://127.0.0.1:9/oauth/google/callback"],
};
const gmailScope = (name: string) => `https://www.googleapis.com/auth/gmail.${name}`;

let clock = Date.now();
let google: FakeGoogle;

beforeAll(async () => {
  google = await startFakeGoogle({ clients: [client], now: () => clock });
});
afterAll(() => google.close());

/** A Gmail call as the production client makes it: GET or POST, bearer token, JSON back. */
async function gmail(token: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${google.url}/gmail/v1/users/${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

const tokenFor = (email: string, scopes: string[]) => google.oauth.issueTokens({ email, scopes }).access_token;

describe("the fake Gmail API under the gmail.metadata scope", () => {
  let token: string;
  beforeAll(() => {
    token = tokenFor("alice@example.com", [gmailScope("metadata")]);
  });

  it("lists the seeded messages newest first, paginated, with resultSizeEstimate", async () => {
    const first = await gmail(token, "me/messages?maxResults=10");
    expect(first.status).toBe(200);
    expect(first.body.messages).toHaveLength(10);
    expect(first.body.messages[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      threadId: expect.any(String),
    });
    expect(first.body.resultSizeEstimate).toBe(google.gmail.messages("alice@example.com").length);
    const ids: string[] = first.body.messages.map((message: { id: string }) => message.id);
    let pageToken: string | undefined = first.body.nextPageToken;
    while (pageToken) {
      const next = await gmail(token, `me/messages?maxResults=10&pageToken=${encodeURIComponent(pageToken)}`);
      ids.push(...next.body.messages.map((message: { id: string }) => message.id));
      pageToken = next.body.nextPageToken;
    }
    expect(new Set(ids).size).toBe(first.body.resultSizeEstimate);
    const newestFirst = google.gmail
      .messages("alice@example.com")
      .sort((a, b) => b.internalDate - a.internalDate)
      .map((message) => message.id);
    expect(ids).toEqual(newestFirst);
  });

  it("filters by repeated labelIds and leaves out `messages` when nothing matches", async () => {
    const sent = await gmail(token, "me/messages?labelIds=SENT");
    expect(sent.body.messages.length).toBeGreaterThan(0);
    const both = await gmail(token, "me/messages?labelIds=SENT&labelIds=INBOX");
    expect(both.body).toEqual({ resultSizeEstimate: 0 });
  });

  it("gets a message as metadata with only the asked-for headers, historyId and internalDate as strings", async () => {
    const [newest] = (await gmail(token, "me/messages?maxResults=1")).body.messages;
    const { status, body } = await gmail(
      token,
      `me/messages/${newest.id}?format=metadata&metadataHeaders=From&metadataHeaders=To&metadataHeaders=Message-ID`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: newest.id, threadId: newest.threadId, labelIds: expect.any(Array) });
    expect(body.historyId).toMatch(/^\d+$/);
    expect(body.internalDate).toMatch(/^\d{13}$/);
    expect(body.payload.headers.map((header: { name: string }) => header.name).sort()).toEqual([
      "From",
      "Message-ID",
      "To",
    ]);
    const minimal = await gmail(token, `me/messages/${newest.id}?format=minimal`);
    expect(minimal.body).not.toHaveProperty("payload");
  });

  it("refuses q, format=full and format=raw, as Gmail does under the metadata scope", async () => {
    const search = await gmail(token, "me/messages?q=from:globex.example");
    expect(search.status).toBe(403);
    expect(search.body.error.message).toBe("Metadata scope does not support 'q' parameter");
    const [newest] = (await gmail(token, "me/messages?maxResults=1")).body.messages;
    for (const format of ["full", "raw"]) {
      expect((await gmail(token, `me/messages/${newest.id}?format=${format}`)).status).toBe(403);
    }
    // Gmail's default format is full.
    expect((await gmail(token, `me/messages/${newest.id}`)).status).toBe(403);
  });

  it("answers the profile with the current historyId, for `me` and for the account's own address", async () => {
    const me = await gmail(token, "me/profile");
    expect(me.body).toMatchObject({
      emailAddress: "alice@example.com",
      historyId: google.gmail.historyId("alice@example.com"),
    });
    const byAddress = await gmail(token, "alice%40example.com/profile");
    expect(byAddress.body).toEqual(me.body);
    const someoneElse = await gmail(token, "bob@example.com/profile");
    expect(someoneElse.status).toBe(403);
  });

  it("gives 404 for an unknown message id", async () => {
    expect((await gmail(token, "me/messages/0123456789abcdef?format=minimal")).status).toBe(404);
  });
});

describe("the fake Gmail API's authorisation", () => {
  it("answers 401 with WWW-Authenticate without a valid token, and after the grant is revoked", async () => {
    const missing = await fetch(`${google.url}/gmail/v1/users/me/profile`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const token = tokenFor("bob@example.com", [gmailScope("readonly")]);
    expect((await gmail(token, "me/profile")).status).toBe(200);
    const revoked = await fetch(`${google.url}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    expect(revoked.status).toBe(200);
    const after = await gmail(token, "me/profile");
    expect(after.status).toBe(401);
    expect(after.body.error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
  });

  it("answers 401 once the access token has expired", async () => {
    const token = tokenFor("bob@example.com", [gmailScope("readonly")]);
    clock += 3600 * 1000;
    try {
      expect((await gmail(token, "me/profile")).status).toBe(401);
    } finally {
      clock -= 3600 * 1000;
    }
  });

  it("answers 403 insufficientPermissions to a token without a Gmail scope", async () => {
    const token = tokenFor("bob@example.com", ["https://www.googleapis.com/auth/calendar.readonly"]);
    const { status, body } = await gmail(token, "me/messages");
    expect(status).toBe(403);
    expect(body.error.errors[0].reason).toBe("insufficientPermissions");
  });

  it("allows q and format=full under gmail.readonly", async () => {
    const token = tokenFor("bob@example.com", [gmailScope("readonly")]);
    const search = await gmail(token, "me/messages?q=subject:kick-off");
    expect(search.status).toBe(200);
    expect(search.body.messages).toHaveLength(1);
    const full = await gmail(token, `me/messages/${search.body.messages[0].id}?format=full`);
    expect(full.body.snippet).toContain("kick off");
    expect(Buffer.from(full.body.payload.body.data, "base64url").toString()).toContain("Thursday");
  });
});

describe("the fake Gmail history", () => {
  let history: FakeGoogle;
  let historyClock = Date.now();
  const owner = "hanna@example.com";
  let token: string;

  beforeAll(async () => {
    history = await startFakeGoogle({
      clients: [client],
      accounts: [{ email: owner, name: "Hanna History" }],
      now: () => historyClock,
    });
    token = history.oauth.issueTokens({ email: owner, scopes: [gmailScope("metadata")] }).access_token;
  });
  afterAll(() => history.close());

  const call = async (path: string) => {
    const response = await fetch(`${history.url}/gmail/v1/users/me/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const newMessage = (subject: string) =>
    history.gmail.addMessage(owner, { from: "Ada Lovelace <ada.lovelace@globex.example>", to: owner, subject });

  it("starts empty and returns the current historyId with no records", async () => {
    const profile = await call("profile");
    expect(profile.body).toMatchObject({ messagesTotal: 0, historyId: expect.stringMatching(/^\d+$/) });
    expect((await call(`history?startHistoryId=${profile.body.historyId}`)).body).toEqual({
      historyId: profile.body.historyId,
    });
    expect((await call("messages")).body).toEqual({ resultSizeEstimate: 0 });
  });

  it("pages through gapped, increasing history ids from a start id, ending at the mailbox's historyId", async () => {
    const start = (await call("profile")).body.historyId as string;
    const added = [1, 2, 3, 4, 5].map((index) => newMessage(`Message ${index}`));
    const records: { id: string; messagesAdded: { message: { id: string } }[] }[] = [];
    let pageToken = "";
    let pages = 0;
    let last: Json = {};
    do {
      last = (await call(`history?startHistoryId=${start}&maxResults=2${pageToken && `&pageToken=${pageToken}`}`)).body;
      records.push(...(last.history ?? []));
      pageToken = last.nextPageToken ?? "";
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(records.map((record) => record.messagesAdded[0]?.message.id)).toEqual(added.map((message) => message.id));
    const ids = records.map((record) => Number(record.id));
    expect(ids.every((id, index) => index === 0 || id > (ids[index - 1] as number))).toBe(true);
    expect(ids.some((id, index) => index > 0 && id - (ids[index - 1] as number) > 1)).toBe(true);
    expect(last.historyId).toBe(history.gmail.historyId(owner));
    expect(added.at(-1)?.historyId).toBe(last.historyId);
  });

  it("filters by historyTypes", async () => {
    const start = history.gmail.historyId(owner);
    const message = newMessage("To be labelled");
    history.gmail.modifyLabels(owner, message.id, { add: ["STARRED"], remove: ["UNREAD"] });
    const labelled = (await call(`history?startHistoryId=${start}&historyTypes=labelAdded`)).body;
    expect(labelled.history).toHaveLength(1);
    expect(labelled.history[0].labelsAdded).toEqual([
      { message: expect.objectContaining({ id: message.id }), labelIds: ["STARRED"] },
    ]);
    expect(labelled.history[0]).not.toHaveProperty("messagesAdded");
    const all = (await call(`history?startHistoryId=${start}`)).body;
    expect(all.history.map((record: Record<string, unknown>) => Object.keys(record).sort())).toEqual([
      ["id", "messages", "messagesAdded"],
      ["id", "labelsAdded", "messages"],
      ["id", "labelsRemoved", "messages"],
    ]);
  });

  it("answers 404 for a zero, future or expired startHistoryId, and 400 without one", async () => {
    const current = history.gmail.historyId(owner);
    const before = String(Number(current) - 1);
    expect((await call(`history?startHistoryId=${before}`)).status).toBe(200);
    expect((await call("history?startHistoryId=0")).status).toBe(404);
    expect((await call(`history?startHistoryId=${Number(current) + 1000}`)).status).toBe(404);
    expect((await call("history")).status).toBe(400);
    history.gmail.expireHistory(owner);
    const stale = await call(`history?startHistoryId=${before}`);
    expect(stale.status).toBe(404);
    expect(stale.body.error).toMatchObject({ code: 404, errors: [{ reason: "notFound" }], status: "NOT_FOUND" });
    // The head is still a valid start: a client that re-synced can go on from it.
    expect((await call(`history?startHistoryId=${current}`)).status).toBe(200);
  });

  it("drops history older than the retention window, on the fake's clock", async () => {
    const start = history.gmail.historyId(owner);
    newMessage("Soon forgotten");
    expect((await call(`history?startHistoryId=${start}`)).body.history).toHaveLength(1);
    historyClock += 8 * 24 * 3600 * 1000;
    try {
      token = history.oauth.issueTokens({ email: owner, scopes: [gmailScope("metadata")] }).access_token;
      expect((await call(`history?startHistoryId=${start}`)).status).toBe(404);
    } finally {
      historyClock -= 8 * 24 * 3600 * 1000;
    }
  });

  it("watches with a 7-day expiration (epoch ms as a string) and stops", async () => {
    const watch = await fetch(`${history.url}/gmail/v1/users/me/watch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ topicName: "projects/crm-test/topics/gmail", labelIds: ["INBOX"] }),
    });
    expect(watch.status).toBe(200);
    const body = (await watch.json()) as { historyId: string; expiration: string };
    expect(body.historyId).toBe(history.gmail.historyId(owner));
    expect(body.expiration).toBe(String(historyClock + 7 * 24 * 3600 * 1000));
    expect(history.gmail.watches()).toEqual([
      expect.objectContaining({
        email: owner,
        topicName: "projects/crm-test/topics/gmail",
        labelFilterBehavior: "include",
      }),
    ]);
    const badTopic = await fetch(`${history.url}/gmail/v1/users/me/watch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ topicName: "gmail" }),
    });
    expect(badTopic.status).toBe(400);
    const stop = await fetch(`${history.url}/gmail/v1/users/me/stop`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stop.status).toBe(204);
    expect(history.gmail.watches()).toEqual([]);
  });
});

describe("the fake Gmail's delivery control", () => {
  it("puts one message into every mailbox it names, under one Message-ID and separate Gmail ids", async () => {
    const fake = await startFakeGoogle({ clients: [client], seedMailboxes: false });
    try {
      const copies = fake.gmail.deliver({
        from: "Alice Admin <alice@example.com>",
        to: ["Bob Member <bob@example.com>", "ada.lovelace@globex.example"],
        cc: "victor@example.com",
        subject: "Pipeline review",
      });
      expect(copies.map((copy) => copy.email).sort()).toEqual([
        "alice@example.com",
        "bob@example.com",
        "victor@example.com",
      ]);
      expect(new Set(copies.map((copy) => copy.id)).size).toBe(3);
      const stored = copies.map(
        (copy) =>
          fake.gmail.messages(copy.email).find((message) => message.id === copy.id) as {
            messageId: string;
            labelIds: string[];
          },
      );
      expect(new Set(stored.map((message) => message.messageId)).size).toBe(1);
      expect(stored[0]?.labelIds).toEqual(["SENT"]);
      expect(stored[1]?.labelIds).toContain("INBOX");
    } finally {
      await fake.close();
    }
  });
});

describe("the fake Gmail's quota faults", () => {
  it("fails the next calls with 403 userRateLimitExceeded, 429 and 503 backendError, then recovers", async () => {
    const token = tokenFor("victor@example.com", [gmailScope("metadata")]);
    google.gmail.failNext(2, { status: 403, reason: "userRateLimitExceeded" });
    google.gmail.failNext(1, { status: 429 });
    google.gmail.failNext(1, { status: 503, reason: "backendError" });
    const first = await gmail(token, "me/messages");
    expect(first.status).toBe(403);
    expect(first.body.error.errors[0]).toMatchObject({ domain: "usageLimits", reason: "userRateLimitExceeded" });
    expect((await gmail(token, "me/messages")).status).toBe(403);
    const tooMany = await gmail(token, "me/messages");
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.status).toBe("RESOURCE_EXHAUSTED");
    const backend = await gmail(token, "me/messages");
    expect(backend.status).toBe(503);
    expect(backend.body.error.errors[0].reason).toBe("backendError");
    expect((await gmail(token, "me/messages")).status).toBe(200);
    expect(
      google.gmail
        .requests()
        .filter((request) => request.email === "victor@example.com")
        .map((r) => r.status),
    ).toEqual([403, 403, 429, 503, 200]);
  });

  it("enforces the per-user quota in units per minute", async () => {
    const limited = await startFakeGoogle({
      clients: [client],
      accounts: [{ email: "quota@example.com", name: "Quota Person" }],
      gmail: { quotaUnitsPerUserMinute: 10 },
    });
    try {
      const token = limited.oauth.issueTokens({
        email: "quota@example.com",
        scopes: [gmailScope("metadata")],
      }).access_token;
      const list = () =>
        fetch(`${limited.url}/gmail/v1/users/me/messages`, { headers: { authorization: `Bearer ${token}` } });
      expect((await list()).status).toBe(200);
      expect((await list()).status).toBe(200);
      expect((await list()).status).toBe(403);
    } finally {
      await limited.close();
    }
  });
});

describe("the demo mailboxes", () => {
  it("give each demo person 15 to 30 messages over 90 days, mostly with demo contacts, some with strangers", () => {
    const contacts = new Set(demoContacts().map((contact) => contact.email));
    const people = new Set<string>(Object.values(demoPeople).map((person) => person.email));
    for (const person of Object.values(demoPeople)) {
      const messages = google.gmail.messages(person.email);
      expect(messages.length).toBeGreaterThanOrEqual(15);
      expect(messages.length).toBeLessThanOrEqual(30);
      const oldest = Math.min(...messages.map((message) => message.internalDate));
      expect(clock - oldest).toBeLessThanOrEqual(91 * 24 * 3600 * 1000);
      expect(Math.max(...messages.map((message) => message.internalDate))).toBeLessThan(clock);
      const addresses = (message: (typeof messages)[number]) =>
        [message.from, message.to, message.cc ?? ""]
          .join(",")
          .match(/[\w.+-]+@[\w.-]+/g)
          ?.map((address) => address.toLowerCase())
          .filter((address) => !people.has(address)) ?? [];
      const withContacts = messages.filter((message) => addresses(message).some((address) => contacts.has(address)));
      const withStrangersOnly = messages.filter((message) =>
        addresses(message).every((address) => !contacts.has(address)),
      );
      expect(withContacts.length).toBeGreaterThan(messages.length / 2);
      expect(withStrangersOnly.length).toBeGreaterThan(0);
      expect(messages.some((message) => message.cc)).toBe(true);
    }
  });

  it("share one message between alice and bob: same Message-ID, different Gmail ids", () => {
    const aliceIds = new Map(
      google.gmail.messages("alice@example.com").map((message) => [message.messageId, message.id]),
    );
    const shared = google.gmail.messages("bob@example.com").filter((message) => aliceIds.has(message.messageId));
    expect(shared).toHaveLength(1);
    expect(shared[0]?.id).not.toBe(aliceIds.get(shared[0]?.messageId ?? ""));
  });
});
