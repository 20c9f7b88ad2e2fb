import { tableEntities } from "@crm/core/composition";
import {
  connectionLifetimeSeconds,
  maxSubscriptionsPerConnection,
  openConnection,
  subscribe,
  unsubscribe,
} from "@crm/core/realtime";
import type { WebSocketGateway } from "@crm/local/websocket";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { invoke } from "../support/api-events";
import { aDomainEvent } from "../support/events";
import { signedToken, testAudience } from "../support/identity";
import { anOrganisation, aPerson } from "../support/organisations";
import { ConnectionRefused, fanOut, RealtimeClient, startRealtimeGateway } from "../support/realtime";

/**
 * Real time end to end: real WebSocket clients through the local gateway, the real authorizer and route handlers,
 * and the real fan-out pushing through the management API with the AWS SDK client.
 */
let gateway: WebSocketGateway;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  // Before any handler reads the configuration: every push goes through this gateway's management API.
  gateway = await startRealtimeGateway();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await gateway.close();
});

async function connect(token: string): Promise<RealtimeClient> {
  const client = await RealtimeClient.connect(gateway.url, token);
  clients.push(client);
  return client;
}

async function refusal(token?: string): Promise<number> {
  const outcome = await RealtimeClient.connect(gateway.url, token).then(
    (client) => client.close().then(() => 0),
    (error: unknown) => (error instanceof ConnectionRefused ? error.status : -1),
  );
  return outcome;
}

const subscribersOf = async (orgId: string, topic = "organisation") =>
  (
    await tableEntities.realtimeSubscription.query.subscribersOfTopic({ orgId, topic }).go({ consistent: true })
  ).data.map((subscription) => subscription.connectionId);

const connectionItem = async (connectionId: string) =>
  (await tableEntities.realtimeConnection.get({ connectionId }).go({ consistent: true })).data;

const subscriptionsOfConnection = async (connectionId: string) =>
  (await tableEntities.realtimeSubscription.query.subscriptionsOfConnection({ connectionId }).go()).data;

describe("connecting", () => {
  it("admits a valid token from the query string, like the HTTP API's bearer token", async () => {
    const client = await connect(aPerson().token);
    expect(await client.request({ action: "ping" })).toMatchObject({ type: "error", code: "validation-failed" });
  });

  it("refuses a missing, malformed, expired or foreign token with 401 before anything is stored", async () => {
    expect(await refusal()).toBe(401);
    expect(await refusal("")).toBe(401);
    expect(await refusal("not-a-jwt")).toBe(401);
    expect(await refusal(signedToken({ exp: Math.floor(Date.now() / 1000) - 60 }))).toBe(401);
    expect(await refusal(signedToken({ iss: "https://elsewhere.example/idp" }))).toBe(401);
    expect(await refusal(signedToken({ aud: "another-client" }))).toBe(401);
    expect(gateway.connectionCount()).toBe(clients.length);
  });

  it("refuses an access token and a token issued in the future with 401, as the HTTP API does", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(signedToken({ token_use: "access", client_id: testAudience }))).toBe(401);
    expect(await refusal(signedToken({ iat: now + 300 }))).toBe(401);
    expect(gateway.connectionCount()).toBe(clients.length);
  });
});

describe("subscribing", () => {
  it("is acknowledged for a member of the organisation, whatever their role", async () => {
    const org = await anOrganisation();
    const viewer = await org.member("viewer");
    const client = await connect(viewer.token);

    const reply = await client.request({ action: "subscribe", orgId: org.orgId });

    expect(reply).toEqual({ type: "subscribed", orgId: org.orgId });
    expect(await subscribersOf(org.orgId)).toHaveLength(1);
  });

  it("to an organisation one is not a member of is refused with an error, and nothing is stored", async () => {
    const org = await anOrganisation();
    const outsider = await connect(aPerson("outsider").token);

    const reply = await outsider.request({ action: "subscribe", orgId: org.orgId });

    expect(reply).toMatchObject({ type: "error", action: "subscribe", code: "not-found" });
    expect(await subscribersOf(org.orgId)).toEqual([]);
  });

  it("holds at most 50 subscriptions per connection, counting a repeated one once", async () => {
    const org = await anOrganisation();
    const connectionId = "TGltaXRUZXN0MTI=";
    await openConnection(connectionId, { userId: "u-limit", email: org.admin.email }, Date.now());
    const topic = (index: number) => ({ orgId: org.orgId, recordId: `con_${String(index).padStart(26, "0")}` });
    for (let index = 0; index < maxSubscriptionsPerConnection; index++) await subscribe(connectionId, topic(index));
    await subscribe(connectionId, topic(0));

    await expect(subscribe(connectionId, topic(maxSubscriptionsPerConnection))).rejects.toThrow(
      /already holds 50 subscriptions/,
    );
    await unsubscribe(connectionId, topic(0));
    await subscribe(connectionId, topic(maxSubscriptionsPerConnection));

    expect(maxSubscriptionsPerConnection).toBe(50);
    expect((await connectionItem(connectionId))?.subscriptionCount).toBe(maxSubscriptionsPerConnection);
    expect(await subscriptionsOfConnection(connectionId)).toHaveLength(maxSubscriptionsPerConnection);
  });

  it("refuses malformed messages with the field that is wrong", async () => {
    const client = await connect(aPerson().token);

    expect(await client.request("{not json")).toMatchObject({ type: "error", code: "malformed-json" });
    expect(await client.request({ action: "subscribe", orgId: "acme" })).toMatchObject({
      type: "error",
      action: "subscribe",
      code: "validation-failed",
      errors: [{ path: "body.orgId", message: expect.any(String) }],
    });
    expect(await client.request({ action: "subscribe", orgId: "org_1", shoeSize: 44 })).toMatchObject({
      errors: [{ path: "body.shoeSize" }],
    });
    expect(await client.request({ action: "dance" })).toMatchObject({
      type: "error",
      action: "dance",
      errors: [{ path: "body.action", message: "Must be one of subscribe, unsubscribe." }],
    });
  });
});

describe("pushing domain events", () => {
  it("delivers an organisation's events to its feed's subscribers, as they happened", async () => {
    const org = await anOrganisation();
    const client = await connect(org.admin.token);
    await client.request({ action: "subscribe", orgId: org.orgId });
    const event = aDomainEvent({ orgId: org.orgId, type: "contact.created" });

    await fanOut(event);

    expect(await client.next()).toEqual({ type: "event", event });
  });

  it("never delivers another organisation's events, not even for a record id subscribed to elsewhere", async () => {
    const mine = await anOrganisation("Mine");
    const theirs = await anOrganisation("Theirs");
    const client = await connect(mine.admin.token);
    const theirRecord = "con_01jd8x4k2q7v3m9t5r1w6y8zzz";
    await client.request({ action: "subscribe", orgId: mine.orgId });
    await client.request({ action: "subscribe", orgId: mine.orgId, recordId: theirRecord });
    expect(await client.request({ action: "subscribe", orgId: theirs.orgId })).toMatchObject({ code: "not-found" });

    await fanOut(aDomainEvent({ orgId: theirs.orgId }));
    await fanOut(aDomainEvent({ orgId: theirs.orgId, record: { type: "contact", id: theirRecord } }));
    const sentinel = aDomainEvent({ orgId: mine.orgId });
    await fanOut(sentinel);

    // Pushes on one connection arrive in order: once the sentinel is here, nothing pushed before it is on its way.
    await client.next((message) => message.type === "event" && message.event.id === sentinel.id);
    expect(client.events()).toEqual([sentinel]);
  });

  it("to a record's subscribers carries only that record's events, once even when also subscribed to the feed", async () => {
    const org = await anOrganisation();
    const watched = { type: "contact" as const, id: "con_01jd8x4k2q7v3m9t5r1w6y8aaa" };
    const other = { type: "contact" as const, id: "con_01jd8x4k2q7v3m9t5r1w6y8bbb" };
    const recordWatcher = await connect(org.admin.token);
    const feedAndRecordWatcher = await connect(org.admin.token);
    expect(await recordWatcher.request({ action: "subscribe", orgId: org.orgId, recordId: watched.id })).toEqual({
      type: "subscribed",
      orgId: org.orgId,
      recordId: watched.id,
    });
    await feedAndRecordWatcher.request({ action: "subscribe", orgId: org.orgId });
    await feedAndRecordWatcher.request({ action: "subscribe", orgId: org.orgId, recordId: watched.id });

    const first = aDomainEvent({ orgId: org.orgId, record: watched });
    const unrelated = aDomainEvent({ orgId: org.orgId, record: other });
    const second = aDomainEvent({ orgId: org.orgId, record: watched, type: "contact.deleted" });
    for (const event of [first, unrelated, second]) await fanOut(event);

    await recordWatcher.next((message) => message.type === "event" && message.event.id === second.id);
    await feedAndRecordWatcher.next((message) => message.type === "event" && message.event.id === second.id);
    expect(recordWatcher.events()).toEqual([first, second]);
    expect(feedAndRecordWatcher.events()).toEqual([first, unrelated, second]);
  });

  it("stops after unsubscribing", async () => {
    const org = await anOrganisation();
    const client = await connect(org.admin.token);
    await client.request({ action: "subscribe", orgId: org.orgId, recordId: "con_01jd8x4k2q7v3m9t5r1w6y8ccc" });
    await client.request({ action: "subscribe", orgId: org.orgId });

    expect(await client.request({ action: "unsubscribe", orgId: org.orgId })).toEqual({
      type: "unsubscribed",
      reason: "requested",
      orgId: org.orgId,
    });
    await fanOut(aDomainEvent({ orgId: org.orgId }));
    const sentinel = aDomainEvent({
      orgId: org.orgId,
      record: { type: "contact", id: "con_01jd8x4k2q7v3m9t5r1w6y8ccc" },
    });
    await fanOut(sentinel);

    await client.next((message) => message.type === "event");
    expect(client.events()).toEqual([sentinel]);
  });

  it("ends a removed member's subscriptions before the removal is pushed, and tells them why", async () => {
    const org = await anOrganisation();
    const leaver = await org.member("member");
    const leaverClient = await connect(leaver.token);
    const adminClient = await connect(org.admin.token);
    await leaverClient.request({ action: "subscribe", orgId: org.orgId });
    await adminClient.request({ action: "subscribe", orgId: org.orgId });
    const removed = await invoke("members.remove", {
      token: org.admin.token,
      params: { orgId: org.orgId, memberId: leaver.memberId },
    });
    expect(removed.status).toBe(204);
    const removal = aDomainEvent({
      orgId: org.orgId,
      type: "member.deleted",
      record: { type: "member", id: leaver.memberId },
    });

    await fanOut(removal);
    await fanOut(aDomainEvent({ orgId: org.orgId }));

    expect(await leaverClient.next()).toEqual({ type: "unsubscribed", reason: "membership-ended", orgId: org.orgId });
    await adminClient.next((message) => message.type === "event" && message.event.id === removal.id);
    expect(leaverClient.events()).toEqual([]);
    expect(await leaverClient.request({ action: "subscribe", orgId: org.orgId })).toMatchObject({ code: "not-found" });
  });
});

describe("connection cleanup", () => {
  it("forgets a connection and its subscriptions when the client closes it", async () => {
    const org = await anOrganisation();
    const client = await connect(org.admin.token);
    await client.request({ action: "subscribe", orgId: org.orgId });
    await client.request({ action: "subscribe", orgId: org.orgId, recordId: "con_01jd8x4k2q7v3m9t5r1w6y8ddd" });
    const [connectionId = ""] = await subscribersOf(org.orgId);
    expect(await connectionItem(connectionId)).toMatchObject({ email: org.admin.email, subscriptionCount: 2 });

    await client.close();

    await vi.waitFor(
      async () => {
        expect(await connectionItem(connectionId)).toBeNull();
        expect(await subscriptionsOfConnection(connectionId)).toEqual([]);
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it("keeps a connection and its subscriptions no longer than API Gateway keeps a connection (2 hours)", async () => {
    const org = await anOrganisation();
    const client = await connect(org.admin.token);
    const before = Math.floor(Date.now() / 1000);
    await client.request({ action: "subscribe", orgId: org.orgId });
    const [connectionId = ""] = await subscribersOf(org.orgId);

    const connection = await connectionItem(connectionId);
    const [subscription] = await subscriptionsOfConnection(connectionId);

    expect(connectionLifetimeSeconds).toBeLessThanOrEqual(2 * 60 * 60);
    expect(connection?.expiresAt).toBeGreaterThanOrEqual(before - 1 + connectionLifetimeSeconds);
    expect(connection?.expiresAt).toBeLessThanOrEqual(before + 1 + connectionLifetimeSeconds);
    expect(subscription?.expiresAt).toBe(connection?.expiresAt);
  });

  it("removes a connection that vanished without $disconnect when a push finds it gone", async () => {
    const org = await anOrganisation();
    const live = await connect(org.admin.token);
    await live.request({ action: "subscribe", orgId: org.orgId });
    // A connection the table still holds but API Gateway no longer knows (its $disconnect never ran).
    const vanished = "VmFuaXNoZWQxMjM=";
    await openConnection(vanished, { userId: "u-admin", email: org.admin.email }, Date.now());
    await subscribe(vanished, { orgId: org.orgId });
    expect(await subscribersOf(org.orgId)).toContain(vanished);
    const event = aDomainEvent({ orgId: org.orgId });

    await fanOut(event);

    expect(await live.next()).toEqual({ type: "event", event });
    expect(await connectionItem(vanished)).toBeNull();
    expect(await subscriptionsOfConnection(vanished)).toEqual([]);
    expect(await subscribersOf(org.orgId)).not.toContain(vanished);
  });

  it("tells connection ids apart by case, as API Gateway does", async () => {
    const org = await anOrganisation();
    const upper = "Q2FzZVRlc3QxMjM=";
    const lower = upper.toLowerCase();
    await openConnection(upper, { userId: "u-upper", email: org.admin.email }, Date.now());
    await openConnection(lower, { userId: "u-lower", email: aPerson().email }, Date.now());

    await subscribe(upper, { orgId: org.orgId });

    expect((await connectionItem(upper))?.userId).toBe("u-upper");
    expect((await connectionItem(lower))?.userId).toBe("u-lower");
    expect(await subscribersOf(org.orgId)).toEqual([upper]);
    await expect(subscribe(lower, { orgId: org.orgId })).rejects.toThrow(/organisation/);
  });
});
