import { jobLinks, type ScheduleDeclaration, schedules } from "../packages/core/src/declarations";
// What the jobs are linked to, registered by the modules that create it (events brings the rest).
import "./events";
import { linksNamed } from "./links";
import { logicalName } from "./names";

/** One EventBridge Scheduler schedule per declared job; the local cloud runs the same handlers on the same rates. */
export const jobs = Object.entries(schedules as Record<string, ScheduleDeclaration>).map(
  ([name, job]) =>
    new sst.aws.CronV2(logicalName(name), {
      schedule: job.schedule as `rate(${string})`,
      function: {
        handler: job.handler,
        link: linksNamed(jobLinks(job)),
        timeout: `${job.timeoutSeconds ?? 60} seconds`,
      },
    }),
);
