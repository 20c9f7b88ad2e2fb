import { exportRunRequestSchema, runExport } from "@crm/core/export";
import { busSubscriber } from "../platform/bus-subscriber";
import { logger } from "../platform/logger";

/** Bus subscriber: writes the export a request names. A redelivery of a finished export changes nothing. */
export const handler = busSubscriber(exportRunRequestSchema, async (request) => {
  const written = await runExport(request);
  logger.info("export written", { exportId: request.exportId, status: written.status, rows: written.rows });
});
