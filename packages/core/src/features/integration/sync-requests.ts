import { z } from "zod";
import { publishBusEvents } from "../../capabilities/events/publisher";
import { integrationEventSource, syncRequestedEventType } from "../../declarations/events";
import type { ProviderId } from "../../declarations/integrations";
import { providerIds } from "../../declarations/integrations";

/** The detail of a sync request on the bus: which connection to sync now. */
export const syncRequestSchema = z.object({
  provider: z.enum(providerIds),
  orgId: z.string(),
  connectionId: z.string(),
  reason: z.string().optional(),
});
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/** Hands syncs to the bus, so that a provider's notification is acknowledged without waiting for them. */
export async function requestSyncs(requests: SyncRequest[]): Promise<void> {
  await publishBusEvents(
    integrationEventSource,
    requests.map((request) => ({ detailType: syncRequestedEventType, detail: request })),
  );
}

export type { ProviderId };
