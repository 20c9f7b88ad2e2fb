import { z } from "zod";
import { publishBusEvents } from "../../capabilities/events/publisher";
import { importContinuedEventType, importEventSource, importRequestedEventType } from "../../declarations/events";

/** The detail of a request on the bus to run an import's next chunk. */
export const importRunRequestSchema = z.object({ orgId: z.string(), importId: z.string() });
export type ImportRunRequest = z.infer<typeof importRunRequestSchema>;

/** Asks for an import's next chunk (its first when `started`), to run in an invocation of its own. */
export async function requestImportRun(request: ImportRunRequest, started = false): Promise<void> {
  await publishBusEvents(importEventSource, [
    { detailType: started ? importRequestedEventType : importContinuedEventType, detail: request },
  ]);
}
