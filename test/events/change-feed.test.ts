import { randomUUID } from "node:crypto";
import { storeInChangeFeed } from "@crm/core/change-feed";
import { busName, domainEventSource, tableStreamSubscription } from "@crm/core/declarations";
import { type DomainEvent, domainEventSchema } from "@crm/core/events";
import { onDatabaseClient } from "@crm/core/platform";
import {
  type EventBridgeEnvelope,
  type LocalBus,
  type LocalQueue,
  type StreamReader,
  startLocalBus,
  startStreamReader,
} from "@crm/local/events";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aContact, aDeal } from "../support/builders";
import { eventually, startDomainEventFailureQueue } from "../support/event-pipeline";
import { tokenFor } from "../support/identity";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

const testBusName = "crm-test-bus";
const delivered: EventBridgeEnvelope[] = [];
let bus: LocalBus;
let reader: StreamReader;
let failureQueue: LocalQueue;

/** The events the bus delivered for an organisation, in delivery order. */
const deliveredTo = (orgId: string) =>
  delivered.map((envelope) => envelope.detail as DomainEvent).filter((event) => event.orgId === orgId);

beforeAll(async () => {
  bus = await startLocalBus({
    busName: testBusName,
    subscriptions: {
      recorder: { handler: "recorder", pattern: { source: [domainEventSource] }, description: "records every event" },
    },
    loadHandler: async () => async (event) => {
      delivered.push(event);
    },
  });
  // Before any handler reads the configuration: the stream subscriber publishes to this bus.
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: testBusName });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
  failureQueue = await startDomainEventFailureQueue();
  reader = await startStreamReader({
    dynamodbEndpoint: inject("dynamodbEndpoint"),
    tableName: inject("tableName"),
    subscription: tableStreamSubscription,
    failureQueueUrl: failureQueue.url,
  });
});

afterAll(async () => {
  await reader?.stop();
  await bus?.close();
  await failureQueue?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

/** The Query requests sent to the table while counting: the feed promises one per page. */
let queriesSent: number | null = null;
onDatabaseClient((client) => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (queriesSent !== null && context.commandName === "QueryCommand") queriesSent += 1;
      return next(args);
    },
    { step: "initialize", name: "countChangeFeedQueries" },
  );
});

type FeedQuery = { after?: string; types?: string; limit?: string };

function readFeed(org: TestOrganisation, query: FeedQuery = {}, token = org.admin.token) {
  return invoke("events.list", { token, params: { orgId: org.orgId }, query: query as Record<string, string> });
}

/** Every settled event after `after`, following `nextCursor` while `hasMore`, and the cursor to resume from. */
async function readToTheHead(org: TestOrganisation, query: FeedQuery = {}) {
  const events: DomainEvent[] = [];
  let after = query.after;
  for (;;) {
    const page = await readFeed(org, { ...query, ...(after ? { after } : {}) });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    events.push(...page.body.data);
    after = page.body.nextCursor;
    if (!page.body.hasMore) return { events, cursor: after as string };
  }
}

/** Waits until the feed, read from `after`, holds exactly the events the bus delivered after `skip` of them. */
async function feedMatchesTheBus(org: TestOrganisation, options: { after?: string; skip?: number; count: number }) {
  return eventually(async () => {
    const fromTheBus = deliveredTo(org.orgId).slice(options.skip ?? 0);
    expect(fromTheBus).toHaveLength(options.count);
    const read = await readToTheHead(org, options.after ? { after: options.after } : {});
    expect(read.events).toEqual(fromTheBus);
    return read;
  });
}

/** An event of the same organisation committed a minute ago that the subscriber stores only now. */
function aLateEvent(like: DomainEvent): DomainEvent {
  return {
    ...like,
    id: `aud_late${randomUUID().replaceAll("-", "").slice(0, 16)}`,
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
  };
}

describe("the change feed", () => {
  it("lists an organisation's events in commit order: the very events the bus delivered, same ids and schema", async () => {
    const org = await anOrganisation();
    const params = { orgId: org.orgId };
    const contact = await aContact(org, { firstName: "Ada" });
    await invoke("contacts.update", {
      token: org.admin.token,
      params: { ...params, contactId: contact.id },
      body: { title: "Countess" },
    });
    const deal = await aDeal(org, { title: "Forty seats" });
    await invoke("deals.update", {
      token: org.admin.token,
      params: { ...params, dealId: deal.id },
      body: { title: "Fifty" },
    });
    await invoke("deals.delete", { token: org.admin.token, params: { ...params, dealId: deal.id } });
    await invoke("contacts.delete", { token: org.admin.token, params: { ...params, contactId: contact.id } });

    const { events } = await feedMatchesTheBus(org, { count: 7 });

    expect(events.map((event) => event.type)).toEqual([
      "member.created",
      "contact.created",
      "contact.updated",
      "deal.created",
      "deal.updated",
      "deal.deleted",
      "contact.deleted",
    ]);
    for (const event of events) domainEventSchema.parse(event);
    expect(events[2]?.changes).toEqual([{ field: "title", before: null, after: "Countess" }]);
  });

  it("pages with limit and resumes from a stored cursor across new writes, missing and repeating nothing", async () => {
    const org = await anOrganisation();
    for (const firstName of ["A", "B", "C"]) await aContact(org, { firstName });
    await feedMatchesTheBus(org, { count: 4 });

    queriesSent = 0;
    const first = await readFeed(org, { limit: "3", types: "contact.created,member.created" });
    expect(queriesSent).toBe(1);
    queriesSent = null;
    expect(first.body).toMatchObject({ hasMore: true });
    expect(first.body.data).toHaveLength(3);
    const second = await readFeed(org, {
      limit: "3",
      types: "contact.created,member.created",
      after: first.body.nextCursor,
    });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.hasMore).toBe(false);
    expect([...first.body.data, ...second.body.data]).toEqual(deliveredTo(org.orgId));

    // The client stores the cursor and comes back after more writes.
    const stored: string = second.body.nextCursor;
    await aContact(org, { firstName: "D" });
    await aContact(org, { firstName: "E" });
    const resumed = await feedMatchesTheBus(org, { after: stored, skip: 4, count: 2 });
    expect(resumed.events.map((event) => event.type)).toEqual(["contact.created", "contact.created"]);

    const atTheHead = await readFeed(org, { after: resumed.cursor });
    expect(atTheHead.body).toMatchObject({ data: [], hasMore: false });
    expect(atTheHead.body.nextCursor).toEqual(expect.any(String));
  });

  it("an empty page still carries a cursor, and polling from it finds the next event", async () => {
    const org = await anOrganisation();
    await feedMatchesTheBus(org, { count: 1 });
    const { cursor } = await readToTheHead(org);
    const empty = await readFeed(org, { after: cursor });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ data: [], hasMore: false });
    const polled: string = empty.body.nextCursor;

    const contact = await aContact(org);
    const next = await eventually(async () => {
      const page = await readFeed(org, { after: polled });
      expect(page.body.data).toHaveLength(1);
      return page.body.data[0] as DomainEvent;
    });
    expect(next).toMatchObject({ type: "contact.created", record: { type: "contact", id: contact.id } });
  });

  it("types= lists only those types, and its cursor moves past the others", async () => {
    const org = await anOrganisation();
    const contact = await aContact(org);
    const deal = await aDeal(org);
    await invoke("contacts.update", {
      token: org.admin.token,
      params: { orgId: org.orgId, contactId: contact.id },
      body: { title: "CTO" },
    });
    await feedMatchesTheBus(org, { count: 4 });

    const only = await readToTheHead(org, { types: "deal.created,contact.updated" });
    expect(only.events.map((event) => [event.type, event.record.id])).toEqual([
      ["deal.created", deal.id],
      ["contact.updated", contact.id],
    ]);
    const afterThem = await readFeed(org, { types: "deal.created", after: only.cursor });
    expect(afterThem.body).toMatchObject({ data: [], hasMore: false });
  });

  it("an event that reaches the subscriber late (a lagging shard, a retry) comes after the cursor a client holds", async () => {
    const org = await anOrganisation();
    await feedMatchesTheBus(org, { count: 1 });
    const { cursor } = await readToTheHead(org);
    // Committed a minute ago but stored only now, after the client read to the head.
    const late = aLateEvent(deliveredTo(org.orgId)[0] as DomainEvent);
    await storeInChangeFeed([late]);
    const read = await eventually(async () => {
      const page = await readFeed(org, { after: cursor });
      expect(page.body.data).toHaveLength(1);
      return page.body.data;
    });
    expect(read).toEqual([late]);
  });

  it("stores an event delivered again by the stream once", async () => {
    const org = await anOrganisation();
    await aContact(org);
    await feedMatchesTheBus(org, { count: 2 });
    const [memberCreated, contactCreated] = deliveredTo(org.orgId) as [DomainEvent, DomainEvent];

    // The stream hands the same records to the next invocation, alone or bisected into other batches.
    await storeInChangeFeed([contactCreated, contactCreated]);
    await storeInChangeFeed([memberCreated, contactCreated]);
    // A later event: once it is settled, so is everything stored before it.
    const later = aLateEvent(contactCreated);
    await storeInChangeFeed([later]);

    const ids = await eventually(async () => {
      const { events } = await readToTheHead(org);
      expect(events.at(-1)?.id).toBe(later.id);
      return events.map((event) => event.id);
    });
    expect(ids).toEqual([memberCreated.id, contactCreated.id, later.id]);
  });

  it("refuses a bad cursor, an unknown type and a limit out of range with 400 naming the field", async () => {
    const org = await anOrganisation();
    const cases: [FeedQuery, string, string][] = [
      [{ after: "not-a-cursor" }, "invalid-cursor", "query.after"],
      [{ types: "contact.created,contact.exploded" }, "validation-failed", "query.types"],
      [{ types: "," }, "validation-failed", "query.types"],
      [{ limit: "0" }, "validation-failed", "query.limit"],
      [{ limit: "101" }, "validation-failed", "query.limit"],
      [{ cursor: "x" } as FeedQuery, "validation-failed", "query"],
    ];
    for (const [query, code, path] of cases) {
      const refused = await readFeed(org, query);
      expect(refused.status, JSON.stringify(query)).toBe(400);
      expect(refused.body.code).toBe(code);
      expect(refused.body.errors.map((error: { path: string }) => error.path).join(" ")).toContain(path);
    }
  });

  it("refuses another organisation's cursor", async () => {
    const mine = await anOrganisation();
    const theirs = await anOrganisation();
    const { cursor } = await readToTheHead(theirs);
    const refused = await readFeed(mine, { after: cursor });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: "invalid-cursor", errors: [{ path: "query.after" }] });
  });

  it("answers a cursor older than the 30 days of retention with 410 Gone, telling the client to resync", async () => {
    const org = await anOrganisation();
    // A client that read the feed 31 days ago and kept its cursor.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 31 * 24 * 60 * 60 * 1000 });
    const then = await readFeed(org, {}, tokenFor(org.admin.email));
    expect(then.status, JSON.stringify(then.body)).toBe(200);
    vi.useRealTimers();

    const gone = await readFeed(org, { after: then.body.nextCursor });
    expect(gone.status).toBe(410);
    expect(gone.headers["content-type"]).toBe("application/problem+json");
    expect(gone.body).toMatchObject({ status: 410, code: "cursor-expired", type: "/problems/cursor-expired" });
    expect(gone.body.detail).toMatch(/resync/);
  });

  it("is for admins and keys with events:read; members, managers and viewers get 403, other organisations 404", async () => {
    const org = await anOrganisation();
    for (const role of ["member", "manager", "viewer"] as const) {
      const person = await org.member(role);
      const refused = await readFeed(org, {}, person.token);
      expect(refused.status, role).toBe(403);
    }
    const stranger = await anOrganisation();
    const hidden = await readFeed(org, {}, stranger.admin.token);
    expect(hidden.status).toBe(404);

    const keyWith = async (scopes: string[]) => {
      const created = await invoke("apiKeys.create", {
        token: org.admin.token,
        params: { orgId: org.orgId },
        body: { name: `feed ${scopes.join(" ")}`, scopes },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.secret as string;
    };
    expect((await readFeed(org, {}, await keyWith(["events:read"]))).status).toBe(200);
    const outOfScope = await readFeed(org, {}, await keyWith(["contacts:read"]));
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.detail).toMatch(/events:read/);
  });
});
