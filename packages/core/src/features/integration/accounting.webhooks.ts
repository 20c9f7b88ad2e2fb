import { z } from "zod";
import type { ProviderId } from "../../declarations/integrations";
import { ConnectionEntity } from "./connection.entity";
import { recordCall } from "./integration-log";
import { requestSyncs } from "./sync-requests";

/**
 * What QuickBooks posts: an array of CloudEvents (the current format; `intuitaccountid` is the realm), or the legacy
 * `{ eventNotifications: [{ realmId, dataChangeEvent }] }` envelope, which is still accepted.
 */
export const quickBooksWebhookSchema = z.union([
  z.array(
    z.looseObject({
      specversion: z.string(),
      id: z.string(),
      type: z.string(),
      intuitaccountid: z.string(),
      intuitentityid: z.string().optional(),
    }),
  ),
  z.looseObject({
    eventNotifications: z.array(
      z.looseObject({
        realmId: z.string(),
        dataChangeEvent: z.looseObject({ entities: z.array(z.looseObject({ name: z.string(), id: z.string() })) }),
      }),
    ),
  }),
]);
export type QuickBooksWebhook = z.infer<typeof quickBooksWebhookSchema>;

/** What Xero posts: a batch of events per tenant; an empty batch is the intent-to-receive check. */
export const xeroWebhookSchema = z.looseObject({
  events: z.array(
    z.looseObject({ tenantId: z.string(), eventCategory: z.string(), eventType: z.string(), resourceId: z.string() }),
  ),
  firstEventSequence: z.number().optional(),
  lastEventSequence: z.number().optional(),
  entropy: z.string().optional(),
});
export type XeroWebhook = z.infer<typeof xeroWebhookSchema>;

/**
 * Logs a verified notification on every connection of the accounts it names and asks for their syncs on the bus;
 * the sync reads what changed from the provider, so duplicates and replays are harmless. An account no connection
 * has (disconnected, another environment's) is acknowledged and ignored, so the provider does not retry it.
 */
async function syncAccounts(provider: ProviderId, accountKeys: Set<string>, operation: string) {
  const connections = (
    await Promise.all(
      [...accountKeys].map(
        async (accountKey) =>
          (
            await ConnectionEntity.query.connectionsOfProvider({ provider, accountKey }).go({ pages: "all" })
          ).data,
      ),
    )
  )
    .flat()
    .filter((connection) => connection.status === "active");
  await Promise.all(
    connections.map((connection) =>
      recordCall(
        { orgId: connection.orgId, connectionId: connection.connectionId },
        { direction: "incoming", operation, status: 200, latencyMs: 0, attempt: 1 },
      ),
    ),
  );
  if (connections.length > 0) {
    await requestSyncs(
      connections.map((connection) => ({
        provider,
        orgId: connection.orgId,
        connectionId: connection.connectionId,
        reason: operation,
      })),
    );
  }
  return { accounts: accountKeys.size, connections: connections.length };
}

/** A verified QuickBooks notification: the realms it names are synced. */
export function handleQuickBooksWebhook(webhook: QuickBooksWebhook) {
  const realms = Array.isArray(webhook)
    ? webhook.map((event) => event.intuitaccountid)
    : webhook.eventNotifications.map((notification) => notification.realmId);
  return syncAccounts("quickbooks", new Set(realms), "quickbooks.webhook");
}

/** A verified Xero notification: the tenants it names are synced; an empty batch (intent to receive) does nothing. */
export function handleXeroWebhook(webhook: XeroWebhook) {
  return syncAccounts("xero", new Set(webhook.events.map((event) => event.tenantId)), "xero.webhook");
}
