import type { EntityItem } from "electrodb";
import type { DomainEvent } from "../../capabilities/events/domain-event.schema";
import { busEntryBytes, maxBusCallBytes, publishBusEvents } from "../../capabilities/events/publisher";
import {
  realtimeConnectionsPerShard,
  realtimeEventSource,
  realtimeShardRequestedEventType,
} from "../../declarations/events";
import { findActor } from "../../domain/member/member.queries";
import { changeSet } from "../../platform/change-set";
import { ConcurrentModificationError, NotFoundError, ValidationError } from "../../platform/errors";
import type { Identity } from "../../platform/request-context";
import { inTransaction } from "../../platform/table";
import { postsInFlight, postToConnection } from "./management-api";
import type { RealtimeMessage, RealtimeShard, RealtimeTopic } from "./realtime.schema";
import { RealtimeConnectionEntity } from "./realtime-connection.entity";
import { RealtimeSubscriptionEntity } from "./realtime-subscription.entity";

type ConnectionItem = EntityItem<typeof RealtimeConnectionEntity>;
type SubscriptionItem = EntityItem<typeof RealtimeSubscriptionEntity>;

/** API Gateway closes a WebSocket connection after 2 hours, so nothing about one is kept longer. */
export const connectionLifetimeSeconds = 2 * 60 * 60;
/** Subscriptions one connection may hold at once. */
export const maxSubscriptionsPerConnection = 50;
/** Rounds of BatchWriteItem retries for what DynamoDB left unprocessed. */
const batchDeleteAttempts = 5;

/** The topic key of an organisation's feed; record topics are the record's id. */
const organisationFeed = "organisation";

const topicKeyOf = (topic: RealtimeTopic) => topic.recordId ?? organisationFeed;

function topicOf(item: Pick<SubscriptionItem, "orgId" | "topic">): RealtimeTopic {
  return item.topic === organisationFeed ? { orgId: item.orgId } : { orgId: item.orgId, recordId: item.topic };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Records a connection the authorizer admitted, with the identity its token proved. */
export async function openConnection(connectionId: string, identity: Identity, connectedAtMs: number): Promise<void> {
  await RealtimeConnectionEntity.put({
    connectionId,
    userId: identity.userId,
    email: identity.email,
    ...(identity.name ? { name: identity.name } : {}),
    connectedAt: new Date(connectedAtMs).toISOString(),
    subscriptionCount: 0,
    expiresAt: Math.floor(connectedAtMs / 1000) + connectionLifetimeSeconds,
  }).go({ response: "none" });
}

async function loadConnection(connectionId: string): Promise<ConnectionItem> {
  const { data } = await RealtimeConnectionEntity.get({ connectionId }).go({ consistent: true });
  // DynamoDB deletes expired items only eventually, so an expired connection counts as gone.
  if (!data || data.expiresAt <= nowSeconds()) throw new NotFoundError("connection", connectionId);
  return data;
}

/**
 * Forgets a connection and its subscriptions: on `$disconnect`, and when the management API says it is gone (a
 * connection can vanish without `$disconnect`). The connection goes first, so no subscription can be added after
 * the subscriptions are read; one added just before (the index is eventually consistent) is removed when a push
 * finds the connection gone, or by its TTL.
 */
export async function closeConnection(connectionId: string): Promise<void> {
  await RealtimeConnectionEntity.delete({ connectionId }).go({ response: "none" });
  const { data } = await RealtimeSubscriptionEntity.query
    .subscriptionsOfConnection({ connectionId })
    .go({ pages: "all" });
  await deleteSubscriptions(data);
}

async function deleteSubscriptions(items: SubscriptionItem[]): Promise<void> {
  let pending = items.map(({ orgId, topic, connectionId }) => ({ orgId, topic, connectionId }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    // ElectroDB chunks the batch but does not retry what DynamoDB leaves unprocessed.
    const { unprocessed } = await RealtimeSubscriptionEntity.delete(pending).go();
    pending = unprocessed as typeof pending;
    if (pending.length > 0 && attempt >= batchDeleteAttempts) {
      throw new Error(`${pending.length} subscriptions could not be deleted; DynamoDB left them unprocessed.`);
    }
    if (pending.length > 0) await sleep(Math.random() * 50 * 2 ** attempt);
  }
}

/**
 * Subscribes a connection to an organisation's feed or to one of its records, if the connection's verified identity
 * is a member of that organisation (any role). A non-member gets the same not-found as for an organisation that does
 * not exist. A record id is only ever looked up under the organisation, so another organisation's id matches nothing.
 * Subscribing twice to the same topic is harmless.
 */
export async function subscribe(connectionId: string, topic: RealtimeTopic): Promise<RealtimeTopic> {
  const connection = await loadConnection(connectionId);
  const actor = await findActor(topic.orgId, {
    userId: connection.userId,
    email: connection.email,
    ...(connection.name ? { name: connection.name } : {}),
  });
  if (!actor) throw new NotFoundError("organisation", topic.orgId);
  const outcome = await changeSet()
    .add(
      "subscription count",
      inTransaction(RealtimeConnectionEntity)
        .patch({ connectionId })
        .add({ subscriptionCount: 1 })
        .where(
          ({ subscriptionCount, expiresAt }, { lt, gt }) =>
            `${lt(subscriptionCount, maxSubscriptionsPerConnection)} AND ${gt(expiresAt, nowSeconds())}`,
        )
        .commit(),
    )
    .add(
      "subscription",
      inTransaction(RealtimeSubscriptionEntity)
        .create({
          orgId: topic.orgId,
          topic: topicKeyOf(topic),
          connectionId,
          memberId: actor.memberId,
          createdAt: new Date().toISOString(),
          expiresAt: connection.expiresAt,
        })
        .commit(),
    )
    .attempt();
  if (outcome.committed || outcome.refused.has("subscription")) return topic; // new, or already there
  if (!outcome.refused.has("subscription count")) throw new ConcurrentModificationError("connection", connectionId);
  if (connection.subscriptionCount >= maxSubscriptionsPerConnection) {
    throw new ValidationError(
      [{ path: "action", message: `A connection holds at most ${maxSubscriptionsPerConnection} subscriptions.` }],
      `This connection already holds ${maxSubscriptionsPerConnection} subscriptions; unsubscribe from one first.`,
    );
  }
  throw new NotFoundError("connection", connectionId);
}

/** Ends a subscription; returns false when there was none. */
export async function unsubscribe(connectionId: string, topic: RealtimeTopic): Promise<boolean> {
  const key = { orgId: topic.orgId, topic: topicKeyOf(topic), connectionId };
  const outcome = await changeSet()
    .add("subscription", inTransaction(RealtimeSubscriptionEntity).remove(key).commit())
    .add(
      "subscription count",
      inTransaction(RealtimeConnectionEntity).patch({ connectionId }).add({ subscriptionCount: -1 }).commit(),
    )
    .attempt();
  if (outcome.committed) return true;
  if (outcome.refused.has("subscription")) return false;
  if (outcome.refused.has("subscription count")) {
    // The connection is already gone: there is no count left to keep.
    await RealtimeSubscriptionEntity.delete(key).go({ response: "none" });
    return true;
  }
  throw new ConcurrentModificationError("subscription", topicKeyOf(topic));
}

/** What happened to one message sent to many connections. */
export type PushReport = {
  delivered: number;
  /** Connections API Gateway no longer knew; they and their subscriptions are deleted. */
  gone: number;
  /** Connections the push failed for otherwise (throttling, a network error), with the first error. */
  failed: number;
  firstError?: unknown;
};

/** What happened to a domain event: its pushes by this invocation, and the shards it asked the bus to push. */
export type FanOutReport = PushReport & { shardsRequested: number };

/**
 * Pushes a domain event to every live connection subscribed to its organisation's feed or to its record, once each
 * even when subscribed to both. Only that organisation's subscribers are read. When a member is removed, their
 * subscriptions to the organisation end first, so the removal event itself does not reach them.
 *
 * Up to `connectionsPerShard` subscribers are posted to here; beyond that the rest are split into shards of that
 * size, each put on the bus for an invocation of its own (`pushShard`) while this one posts to the first. A shard
 * that would not fit in a bus event (a very large event) is posted to here too.
 */
export async function pushDomainEvent(
  event: DomainEvent,
  { connectionsPerShard = realtimeConnectionsPerShard }: { connectionsPerShard?: number } = {},
): Promise<FanOutReport> {
  if (event.type === "member.deleted") await endSubscriptionsOfMember(event.orgId, event.record.id);
  const [feed, record] = await Promise.all([
    liveSubscribers(event.orgId, organisationFeed),
    liveSubscribers(event.orgId, event.record.id),
  ]);
  const [own = [], ...others] = chunksOf([...new Set([...feed, ...record])], connectionsPerShard);
  const shards = others.map((connectionIds) => ({
    detailType: realtimeShardRequestedEventType,
    detail: { event, connectionIds } satisfies RealtimeShard,
  }));
  const fits = (shard: (typeof shards)[number]) => busEntryBytes(realtimeEventSource, shard) <= maxBusCallBytes;
  const requested = shards.filter(fits);
  const postedHere = [...own, ...shards.filter((shard) => !fits(shard)).flatMap((shard) => shard.detail.connectionIds)];
  const [report] = await Promise.all([
    pushToConnections(postedHere, { type: "event", event }),
    requested.length > 0 ? publishBusEvents(realtimeEventSource, requested) : undefined,
  ]);
  return { ...report, shardsRequested: requested.length };
}

/** Pushes a domain event to the shard of its subscribers another invocation split off for this one. */
export async function pushShard(shard: RealtimeShard): Promise<PushReport> {
  return pushToConnections(shard.connectionIds, { type: "event", event: shard.event });
}

function chunksOf<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

async function liveSubscribers(orgId: string, topic: string): Promise<string[]> {
  const { data } = await RealtimeSubscriptionEntity.query
    .subscribersOfTopic({ orgId, topic })
    .go({ pages: "all", consistent: true, attributes: ["connectionId", "expiresAt"] });
  const now = nowSeconds();
  return data.filter((item) => item.expiresAt > now).map((item) => item.connectionId);
}

/** Ends every subscription a member holds in an organisation and tells their connections why. */
async function endSubscriptionsOfMember(orgId: string, memberId: string): Promise<void> {
  const { data } = await RealtimeSubscriptionEntity.query
    .subscriptionsOfMember({ orgId, memberId })
    .go({ pages: "all" });
  await forEachConcurrently(data, postsInFlight, async (subscription) => {
    await unsubscribe(subscription.connectionId, topicOf(subscription));
    await pushToConnection(subscription.connectionId, {
      type: "unsubscribed",
      reason: "membership-ended",
      ...topicOf(subscription),
    });
  });
}

/** Sends a message to every live connection of one member of an organisation (their notifications). */
export async function pushToMember(orgId: string, memberId: string, message: RealtimeMessage): Promise<PushReport> {
  const { data } = await RealtimeSubscriptionEntity.query
    .subscriptionsOfMember({ orgId, memberId })
    .go({ pages: "all", attributes: ["connectionId", "expiresAt"] });
  const now = nowSeconds();
  const connections = [...new Set(data.filter((item) => item.expiresAt > now).map((item) => item.connectionId))];
  return pushToConnections(connections, message);
}

/** Sends a message to one connection, forgetting the connection if it is gone. */
export async function pushToConnection(connectionId: string, message: RealtimeMessage): Promise<PushReport> {
  return pushToConnections([connectionId], message);
}

async function pushToConnections(connectionIds: string[], message: RealtimeMessage): Promise<PushReport> {
  // Serialised and encoded once per message, not once per connection.
  const data = new TextEncoder().encode(JSON.stringify(message));
  const report: PushReport = { delivered: 0, gone: 0, failed: 0 };
  const gone: string[] = [];
  await forEachConcurrently(connectionIds, postsInFlight, async (connectionId) => {
    try {
      if ((await postToConnection(connectionId, data)) === "delivered") report.delivered++;
      else gone.push(connectionId);
    } catch (error) {
      report.failed++;
      report.firstError ??= error;
    }
  });
  // Forgotten after every live connection has its message, so cleaning up never delays a delivery.
  report.gone = gone.length;
  await forEachConcurrently(gone, postsInFlight, async (connectionId) => {
    try {
      await closeConnection(connectionId);
    } catch (error) {
      report.failed++;
      report.firstError ??= error;
    }
  });
  return report;
}

async function forEachConcurrently<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
