import { syncQuickBooks } from "./accounting.sync";
import { renewCalendarChannel } from "./calendar.channels";
import { syncCalendar } from "./calendar.sync";
import { ConnectionEntity } from "./connection.entity";
import { syncGmail } from "./gmail.sync";
import type { SyncRequest } from "./sync-requests";
import type { SyncRunOutcome } from "./sync-runner";
import { syncXero } from "./xero.sync";

/** Runs the sync a request names; a connection deleted meanwhile has nothing to sync. */
export async function runRequestedSync(request: SyncRequest): Promise<SyncRunOutcome> {
  const { data } = await ConnectionEntity.get({ orgId: request.orgId, connectionId: request.connectionId }).go({
    consistent: true,
  });
  if (!data || data.provider !== request.provider) return "skipped";
  switch (data.provider) {
    case "google-gmail":
      return syncGmail(data);
    case "google-calendar": {
      const outcome = await syncCalendar(data);
      // After a good sync, so a channel never signals changes the sync cannot yet read; the job retries a failure.
      if (outcome === "synced") await renewCalendarChannel(data).catch(() => false);
      return outcome;
    }
    case "quickbooks":
      return syncQuickBooks(data);
    case "xero":
      return syncXero(data);
  }
}
