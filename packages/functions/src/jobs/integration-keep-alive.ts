import { keepConnectionsAlive } from "@crm/core/integration";
import { scheduledJob } from "../platform/scheduled-job";

const safetyMarginMs = 20_000;

/** Daily: uses every active connection's grant so it does not idle out, and renews the Gmail watches. */
export const handler = scheduledJob("integrationKeepAlive", async (context) =>
  keepConnectionsAlive({ deadline: Date.now() + context.getRemainingTimeInMillis() - safetyMarginMs }),
);
