import { importRunRequestSchema, runImportChunk } from "@crm/core/import";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/**
 * Bus subscriber: runs the next chunk of the import a request names. Redelivery is harmless: a chunk takes the
 * import's lease first (a second delivery finds it held) and goes on from the stored cursor.
 */
export const handler = busSubscriber(importRunRequestSchema, async (request) => {
  const outcome = await runImportChunk(request);
  logger.info("import chunk ran", { importId: request.importId, outcome });
});
