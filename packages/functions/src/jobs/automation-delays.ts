import { runDueDelayedActions } from "@crm/core/automation-runner";
import { scheduledJob } from "../platform/scheduled-job";

/** Scheduled every minute: continues automation runs whose delay step is over. */
export const handler = scheduledJob("automationDelays", async () => ({ continued: await runDueDelayedActions() }));
