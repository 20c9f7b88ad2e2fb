import { z } from "zod";
import { normaliseEmail } from "../../platform/ids";
import { ConnectionEntity } from "./connection.entity";
import { recordCall } from "./integration-log";
import { requestSyncs } from "./sync-requests";

/** A Pub/Sub push request (https://cloud.google.com/pubsub/docs/push): the message and the subscription. */
export const pubsubPushSchema = z.object({
  message: z.object({
    data: z.string().max(10_000),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});
export type PubsubPush = z.infer<typeof pubsubPushSchema>;

/** What Gmail publishes: the mailbox and its new history id, which arrives as a number (and is documented as text). */
const gmailNotificationSchema = z.object({
  emailAddress: z.email(),
  historyId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String),
});

/** The Gmail notification inside a push, or null when the data is not one (it is acknowledged and dropped). */
export function gmailNotificationOf(push: PubsubPush): z.output<typeof gmailNotificationSchema> | null {
  try {
    // Pub/Sub sends standard base64; accept the URL-safe alphabet too.
    const json = Buffer.from(push.message.data.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    const parsed = gmailNotificationSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A verified Gmail push: every connection of that mailbox (one per organisation and member that connected it) gets
 * an entry in its log and a sync request on the bus. The sync reads from its stored history id, not the pushed one,
 * so duplicated, late or out-of-order pushes are harmless.
 */
export async function handleGmailPush(push: PubsubPush): Promise<{ connections: number }> {
  const notification = gmailNotificationOf(push);
  if (!notification) return { connections: 0 };
  const { data } = await ConnectionEntity.query
    .connectionsOfProvider({ provider: "google-gmail", accountKey: normaliseEmail(notification.emailAddress) })
    .go({ pages: "all" });
  const active = data.filter((connection) => connection.status === "active");
  await Promise.all(
    active.map((connection) =>
      recordCall(
        { orgId: connection.orgId, connectionId: connection.connectionId },
        {
          direction: "incoming",
          operation: "gmail.push",
          status: 200,
          latencyMs: 0,
          attempt: 1,
          ...(push.message.messageId ? { providerRequestId: push.message.messageId } : {}),
        },
      ),
    ),
  );
  if (active.length > 0) {
    await requestSyncs(
      active.map((connection) => ({
        provider: "google-gmail" as const,
        orgId: connection.orgId,
        connectionId: connection.connectionId,
        reason: `gmail push ${notification.historyId}`,
      })),
    );
  }
  return { connections: active.length };
}
