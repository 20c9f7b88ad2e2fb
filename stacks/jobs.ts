import { type ScheduleDeclaration, schedules } from "../packages/core/src/declarations";
import { auth, cursorSigningKey } from "./auth";
import { bus } from "./events";
import { filesBucket } from "./files";
import { integrationLinks, tokenVault } from "./integrations";
import { logicalName } from "./names";
import { realtime } from "./realtime";
import { table } from "./storage";

/**
 * What a job declares it uses: the integrations' resources, or the token vault alone (which they include), and the
 * files' bucket.
 */
const usedLinks = (uses: ScheduleDeclaration["uses"] = []) => [
  ...(uses.includes("integrations") ? integrationLinks : uses.includes("vault") ? [tokenVault] : []),
  ...(uses.includes("files") ? [filesBucket] : []),
];

/** One EventBridge Scheduler schedule per declared job; the local cloud runs the same handlers on the same rates. */
export const jobs = Object.entries(schedules as Record<string, ScheduleDeclaration>).map(
  ([name, job]) =>
    new sst.aws.CronV2(logicalName(name), {
      schedule: job.schedule as `rate(${string})`,
      function: {
        handler: job.handler,
        link: [table, auth, cursorSigningKey, bus, realtime, ...usedLinks(job.uses)],
        timeout: `${job.timeoutSeconds ?? 60} seconds`,
      },
    }),
);
