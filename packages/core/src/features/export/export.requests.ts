import { z } from "zod";
import { publishBusEvents } from "../../capabilities/events/publisher";
import { exportEventSource, exportRequestedEventType } from "../../declarations/events";

/** The detail of a request on the bus to write an export. */
export const exportRunRequestSchema = z.object({ orgId: z.string(), exportId: z.string() });
export type ExportRunRequest = z.infer<typeof exportRunRequestSchema>;

/** Asks for the export to be written in an invocation of its own. */
export async function requestExportRun(request: ExportRunRequest): Promise<void> {
  await publishBusEvents(exportEventSource, [{ detailType: exportRequestedEventType, detail: request }]);
}
