import { runRequestedSync, syncRequestSchema } from "@crm/core/integration";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * Bus subscriber: runs the sync a provider's notification asked for. Redelivery is harmless: a sync reads from its
 * stored cursor and claims every record it creates.
 */
export const handler = busSubscriber(syncRequestSchema, async (request) => {
  const outcome = await runRequestedSync(request);
  logger.info("sync ran", { provider: request.provider, connectionId: request.connectionId, outcome });
});
