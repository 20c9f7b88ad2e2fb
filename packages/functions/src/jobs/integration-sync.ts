import { syncAllConnections } from "@crm/core/integration";
import { scheduledJob } from "../platform/scheduled-job";

/** Room kept after the last sync for recording it before the function's timeout. */
const safetyMarginMs = 20_000;

/** Every five minutes: syncs every active connection from its cursor; what the deadline leaves runs next time. */
export const handler = scheduledJob("integrationSync", async (context) =>
  syncAllConnections({ deadline: Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs }),
);
