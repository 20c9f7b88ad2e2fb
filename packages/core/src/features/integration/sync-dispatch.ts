import { ConnectionEntity } from "./connection.entity";
import { syncCalendar } from "./google/calendar.sync";
import { syncGmail } from "./google/gmail.sync";
import type { SyncRequest } from "./sync-requests";
import type { SyncRunOutcome } from "./sync-runner";

/** Runs the sync a request names; a connection deleted meanwhile has nothing to sync. */
export async function runRequestedSync(request: SyncRequest): Promise<SyncRunOutcome> {
  const { data } = await ConnectionEntity.get({ orgId: request.orgId, connectionId: request.connectionId }).go({
    consistent: true,
  });
  if (!data || data.provider !== request.provider) return "skipped";
  switch (data.provider) {
    case "google-gmail":
      return syncGmail(data);
    case "google-calendar":
      return syncCalendar(data);
  }
}
