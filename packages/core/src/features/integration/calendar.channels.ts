import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { integrationsConfig } from "../../platform/config/integrations.config";
import { stopCalendarChannel, watchCalendar } from "./calendar.client";
import { calendarResource } from "./calendar.sync";
import type { ConnectionItem } from "./connection.queries";
import { recordCall } from "./integration-log";
import { requestSyncs } from "./sync-requests";
import { SyncStateEntity } from "./sync-state.entity";
import { WatchChannelEntity } from "./watch-channel.entity";

/** How long we ask a channel to live; Google caps and answers the real expiry, which is what we keep. */
const channelTtlSeconds = 7 * 86_400;
/** A channel with less than this left is replaced (a new one first, then the old one stopped). */
const renewalMargin = 2 * 86_400_000;

const hashOf = (token: string) => createHash("sha256").update(token).digest();

const keysOf = (connection: ConnectionItem) => ({
  keys: { orgId: connection.orgId, connectionId: connection.connectionId },
});

/** Where Calendar posts a channel's notifications: this API's receiver. */
export const calendarNotificationsUrl = () =>
  new URL("v1/integrations/google-calendar/notifications", integrationsConfig().publicApiUrl).href;

/**
 * Makes sure a Calendar connection has a live push channel: a new one (fresh id and token) when there is none or it
 * ends within two days, then the old one stopped, so notifications overlap rather than lapse. Google does not renew
 * channels itself.
 */
export async function renewCalendarChannel(connection: ConnectionItem): Promise<boolean> {
  const stateKeys = { orgId: connection.orgId, connectionId: connection.connectionId, resource: calendarResource };
  const { data: state } = await SyncStateEntity.get(stateKeys).go({ consistent: true });
  if (!state) return false; // not synced yet: the first sync opens the channel
  if (state.watchExpiresAt && Date.parse(state.watchExpiresAt) - Date.now() > renewalMargin) return false;
  const token = randomBytes(32).toString("base64url");
  const channelId = randomUUID();
  const channel = await watchCalendar(keysOf(connection), {
    channelId,
    address: calendarNotificationsUrl(),
    token,
    ttlSeconds: channelTtlSeconds,
  });
  const channelExpiresAt = new Date(channel.expiration).toISOString();
  await WatchChannelEntity.create({
    channelId,
    orgId: connection.orgId,
    connectionId: connection.connectionId,
    resourceId: channel.resourceId,
    tokenHash: hashOf(token).toString("base64url"),
    channelExpiresAt,
    expiresAt: Math.floor(channel.expiration / 1000) + 86_400,
  }).go();
  await SyncStateEntity.patch(stateKeys)
    .set({
      watchId: channelId,
      watchResourceId: channel.resourceId,
      watchExpiresAt: channelExpiresAt,
      updatedAt: new Date().toISOString(),
    })
    .go();
  if (state.watchId && state.watchResourceId) {
    await stopChannel(connection, { channelId: state.watchId, resourceId: state.watchResourceId });
  }
  return true;
}

async function stopChannel(connection: ConnectionItem, channel: { channelId: string; resourceId: string }) {
  await stopCalendarChannel(keysOf(connection), channel).catch(() => undefined); // it expires on its own anyway
  await WatchChannelEntity.delete({ channelId: channel.channelId }).go();
}

/** Stops the connection's channel (on disconnect). */
export async function stopCalendarChannels(connection: ConnectionItem): Promise<void> {
  const { data: state } = await SyncStateEntity.get({
    orgId: connection.orgId,
    connectionId: connection.connectionId,
    resource: calendarResource,
  }).go({ consistent: true });
  if (state?.watchId && state.watchResourceId) {
    await stopChannel(connection, { channelId: state.watchId, resourceId: state.watchResourceId });
  }
}

/** The headers of a Calendar notification (its body is empty). */
export type CalendarNotification = {
  channelId: string | undefined;
  resourceId: string | undefined;
  resourceState: string | undefined;
  token: string | undefined;
  messageNumber: string | undefined;
};

/** The channel a notification claims to come on, if its token and resource are that channel's (constant time). */
export async function channelOf(notification: CalendarNotification) {
  if (!notification.channelId || !notification.token || notification.channelId.length > 64) return undefined;
  const { data } = await WatchChannelEntity.get({ channelId: notification.channelId }).go();
  if (!data || data.resourceId !== notification.resourceId) return undefined;
  const expected = Buffer.from(data.tokenHash, "base64url");
  return timingSafeEqual(expected, hashOf(notification.token)) ? data : undefined;
}

/**
 * A verified notification: logged on its connection; `sync` (the channel's first message) is only acknowledged,
 * anything else asks for a sync of the connection, which lists from its own sync token.
 */
export async function handleCalendarNotification(notification: CalendarNotification): Promise<void> {
  const channel = await channelOf(notification);
  if (!channel) return;
  const keys = { orgId: channel.orgId, connectionId: channel.connectionId };
  await recordCall(keys, {
    direction: "incoming",
    operation: `calendar.notification.${notification.resourceState ?? "unknown"}`,
    status: 200,
    latencyMs: 0,
    attempt: 1,
    ...(notification.messageNumber ? { providerRequestId: `message ${notification.messageNumber}` } : {}),
  });
  if (notification.resourceState === "sync") return;
  await requestSyncs([{ provider: "google-calendar", ...keys, reason: `calendar ${notification.resourceState}` }]);
}
