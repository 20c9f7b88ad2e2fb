import {
  busName,
  busSubscriptions,
  realtimeEventSource,
  realtimeShardRequestedEventType,
} from "@crm/core/declarations";
import {
  onManagementApiClient,
  openConnection,
  postsInFlight,
  pushDomainEvent,
  type RealtimeShard,
  subscribe,
} from "@crm/core/realtime";
import { type EventBridgeEnvelope, type LocalBus, startLocalBus } from "@crm/local/events";
import { importHandler } from "@crm/local/gateway";
import type { WebSocketGateway } from "@crm/local/websocket";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aDomainEvent } from "../support/events";
import { eventually } from "../support/eventually";
import { anOrganisation, type TestOrganisation } from "../support/organisations";
import { fanOut, RealtimeClient, startRealtimeGateway } from "../support/realtime";

/**
 * The fan-out at scale: how many posts one invocation keeps in flight, that a container reuses its management
 * client's connections, and that an organisation with more subscribers than one invocation posts to is pushed in
 * shards, each by an invocation of its own. Real WebSocket clients through the local gateway; the shards go
 * through a local bus to the real subscriber.
 */
let gateway: WebSocketGateway;
let bus: LocalBus;
const clients: RealtimeClient[] = [];
/** Every event the bus delivered to the real-time subscriber. */
const delivered: EventBridgeEnvelope[] = [];
/** The management API clients this container built, and its posts: how many, and the most in flight at once. */
let managementClientsBuilt = 0;
const posts = { sent: 0, inFlight: 0, peakInFlight: 0 };

beforeAll(async () => {
  // Before any handler reads its configuration: pushes go through this gateway, shards through this bus.
  gateway = await startRealtimeGateway();
  onManagementApiClient((client) => {
    managementClientsBuilt++;
    client.middlewareStack.add(
      (next) => async (args) => {
        posts.sent++;
        posts.peakInFlight = Math.max(posts.peakInFlight, ++posts.inFlight);
        try {
          return await next(args);
        } finally {
          posts.inFlight--;
        }
      },
      { step: "initialize", name: "countPostsInFlight" },
    );
  });
  bus = await startLocalBus({
    busName: "crm-fan-out-bus",
    subscriptions: { realtime: busSubscriptions.realtime },
    retry: { attempts: 3, baseDelayMs: 50 },
    loadHandler: async (handler) => {
      const subscriber =
        await importHandler<(envelope: EventBridgeEnvelope, context: Context) => Promise<void>>(handler);
      return async (envelope, context) => {
        delivered.push(envelope);
        await subscriber(envelope, context);
      };
    },
  });
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: "crm-fan-out-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
});
afterAll(async () => {
  await Promise.race([bus?.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  await Promise.allSettled(clients.map((client) => client.close()));
  await bus?.close();
  await gateway?.close();
});
beforeEach(() => {
  delivered.length = 0;
});

/** Starts counting posts afresh, at the management API's client and at the gateway. */
function countFromNow() {
  Object.assign(posts, { sent: 0, peakInFlight: posts.inFlight });
  gateway.resetManagementApiTraffic();
}

/** `count` connections of the organisation's admin, each subscribed to its feed. */
async function subscribedClients(org: TestOrganisation, count: number): Promise<RealtimeClient[]> {
  const opened: RealtimeClient[] = [];
  for (let first = 0; first < count; first += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - first) }, async () => {
        const client = await RealtimeClient.connect(gateway.url, org.admin.token);
        clients.push(client);
        await client.request({ action: "subscribe", orgId: org.orgId });
        return client;
      }),
    );
    opened.push(...batch);
  }
  return opened;
}

const shardsDelivered = () =>
  delivered
    .filter((envelope) => envelope.source === realtimeEventSource)
    .map((envelope) => ({ detailType: envelope["detail-type"], shard: envelope.detail as RealtimeShard }));

describe("posting to many connections", () => {
  it("keeps several posts in flight at once, never more than the declared bound, and reaches each connection once", async () => {
    const org = await anOrganisation();
    const subscribers = await subscribedClients(org, postsInFlight + 36);
    const event = aDomainEvent({ orgId: org.orgId });
    countFromNow();

    await fanOut(event);

    await eventually(() => {
      for (const client of subscribers) expect(client.events()).toEqual([event]);
    });
    expect(posts.sent).toBe(subscribers.length);
    expect(posts.peakInFlight).toBeGreaterThan(1);
    expect(posts.peakInFlight).toBeLessThanOrEqual(postsInFlight);
    const traffic = gateway.managementApiTraffic();
    expect(traffic.requests).toBe(subscribers.length);
    expect(traffic.connections).toBeLessThanOrEqual(postsInFlight);
  });

  it("reuses the container's management client and its open connections for the next event", async () => {
    const org = await anOrganisation();
    const subscribers = await subscribedClients(org, 10);
    const first = aDomainEvent({ orgId: org.orgId });
    const second = aDomainEvent({ orgId: org.orgId });
    await fanOut(first);
    countFromNow();

    await fanOut(second);

    await eventually(() => {
      for (const client of subscribers) expect(client.events()).toEqual([first, second]);
    });
    expect(managementClientsBuilt).toBe(1);
    expect(posts.sent).toBe(subscribers.length);
    expect(gateway.managementApiTraffic()).toEqual({ requests: subscribers.length, connections: 0 });
  });
});

describe("sharding the fan-out", () => {
  it("pushes an organisation within one invocation's share itself, asking the bus for nothing", async () => {
    const org = await anOrganisation();
    const subscribers = await subscribedClients(org, 3);
    const event = aDomainEvent({ orgId: org.orgId });

    const report = await pushDomainEvent(event, { connectionsPerShard: 3 });

    expect(report).toMatchObject({ delivered: 3, shardsRequested: 0 });
    await bus.idle();
    expect(shardsDelivered()).toEqual([]);
    for (const client of subscribers) expect(client.events()).toEqual([event]);
  });

  it("splits more subscribers than one invocation's share into shards, each pushed by an invocation of its own", async () => {
    const org = await anOrganisation();
    const subscribers = await subscribedClients(org, 7);
    const event = aDomainEvent({ orgId: org.orgId });

    const report = await pushDomainEvent(event, { connectionsPerShard: 3 });

    expect(report).toMatchObject({ delivered: 3, shardsRequested: 2 });
    await eventually(() => {
      for (const client of subscribers) expect(client.events()).toEqual([event]);
    });
    await bus.idle();
    const shards = shardsDelivered();
    expect(shards.map(({ detailType }) => detailType)).toEqual([
      realtimeShardRequestedEventType,
      realtimeShardRequestedEventType,
    ]);
    expect(shards.map(({ shard }) => shard.connectionIds.length).sort()).toEqual([1, 3]);
    expect(shards.every(({ shard }) => shard.event.id === event.id)).toBe(true);
    expect(new Set(shards.flatMap(({ shard }) => shard.connectionIds)).size).toBe(4);
  });

  it("forgets a connection that a shard finds gone, as the first invocation would", async () => {
    const org = await anOrganisation();
    const [live] = await subscribedClients(org, 1);
    // Connections the table still holds but API Gateway no longer knows (their $disconnect never ran).
    const vanished = ["U2hhcmRHb25lMDE=", "U2hhcmRHb25lMDI="];
    for (const connectionId of vanished) {
      await openConnection(connectionId, { userId: "u-admin", email: org.admin.email }, Date.now());
      await subscribe(connectionId, { orgId: org.orgId });
    }
    const event = aDomainEvent({ orgId: org.orgId });

    const report = await pushDomainEvent(event, { connectionsPerShard: 1 });

    expect(report.shardsRequested).toBe(2);
    await bus.idle();
    await eventually(() => expect(live?.events()).toEqual([event]));
    const again = await pushDomainEvent(aDomainEvent({ orgId: org.orgId }), { connectionsPerShard: 1 });
    expect(again).toMatchObject({ delivered: 1, gone: 0, shardsRequested: 0 });
  });
});
