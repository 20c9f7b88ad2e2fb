import { runDueDelayedActions } from "@crm/core/automation";

/** Scheduled every minute: continues automation runs whose delay step is over. */
export async function handler(): Promise<{ continued: number }> {
  return { continued: await runDueDelayedActions() };
}
