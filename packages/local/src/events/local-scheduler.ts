import type { ScheduleDeclaration } from "@crm/core/declarations";
import type { Context } from "aws-lambda";
import { importHandler, lambdaContext } from "../gateway";

type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

export type LocalScheduler = {
  /** Runs one job now (tests, or `npm start` users who do not want to wait). */
  runNow: (name: string) => Promise<unknown>;
  stop: () => Promise<void>;
};

/** Milliseconds of an EventBridge Scheduler `rate(...)` expression. */
export function rateMilliseconds(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`Only rate(...) schedules run locally, not ${expression}.`);
  const unit = match[2]?.replace(/s$/, "") as "minute" | "hour" | "day";
  return Number(match[1]) * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit];
}

/**
 * An EventBridge Scheduler stand-in: runs each declared job's handler on its rate, never two runs of one job at
 * once, with the event Scheduler sends a Lambda target. `speedUp` divides the rates (tests, demos).
 */
export function startLocalScheduler(options: {
  schedules: Readonly<Record<string, ScheduleDeclaration>>;
  speedUp?: number;
  loadHandler?: (handler: string) => Promise<JobHandler>;
  log?: (message: string) => void;
}): LocalScheduler {
  const loadHandler = options.loadHandler ?? importHandler<JobHandler>;
  const log = options.log ?? (() => undefined);
  const running = new Map<string, Promise<unknown>>();
  const run = (name: string) => {
    const job = options.schedules[name];
    if (!job) throw new Error(`No schedule named ${name}.`);
    const current = running.get(name);
    if (current) return current;
    const execution = loadHandler(job.handler)
      .then((handler) =>
        handler(
          { source: "local.scheduler", schedule: name, time: new Date().toISOString() },
          lambdaContext(`job-${name}`, (job.timeoutSeconds ?? 60) * 1000),
        ),
      )
      .catch((error: unknown) => {
        log(`[scheduler] ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => running.delete(name));
    running.set(name, execution);
    return execution;
  };
  const timers = Object.entries(options.schedules).map(([name, job]) =>
    setInterval(() => void run(name), rateMilliseconds(job.schedule) / (options.speedUp ?? 1)),
  );
  return {
    runNow: run,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}
