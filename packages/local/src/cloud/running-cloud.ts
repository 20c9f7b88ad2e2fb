import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { localIdentityDefaults } from "../identity";

/** What `npm start` records of itself while it runs, for the CLIs that talk to it (token, job). */
export type RunningCloud = { pid: number; url: string; port: number; issuer: string; audience: string };

const fileIn = (dataDirectory: string) => join(dataDirectory, "local-cloud.json");

/** Records the running cloud; `forget` removes the record, if it is still this process's. */
export function recordRunningCloud(dataDirectory: string, cloud: RunningCloud): { forget: () => void } {
  writeFileSync(fileIn(dataDirectory), `${JSON.stringify(cloud, null, 2)}\n`);
  return {
    forget: () => {
      if (runningCloud(dataDirectory)?.pid === cloud.pid) rmSync(fileIn(dataDirectory), { force: true });
    },
  };
}

/** The cloud `npm start` runs now, or null when none does (no record, or its process is gone). */
export function runningCloud(dataDirectory: string): RunningCloud | null {
  let cloud: RunningCloud;
  try {
    cloud = JSON.parse(readFileSync(fileIn(dataDirectory), "utf8")) as RunningCloud;
  } catch {
    return null;
  }
  try {
    process.kill(cloud.pid, 0); // signal 0 only asks whether the process exists
    return cloud;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? cloud : null;
  }
}

/**
 * The cloud a CLI talks to: the one given by PORT, else the running one (whatever port it was started on), else
 * the default one, with a note on standard error saying which when it could not tell.
 */
export function targetCloud(dataDirectory: string, env: NodeJS.ProcessEnv = process.env) {
  const running = runningCloud(dataDirectory);
  if (env.PORT === undefined && running) return { ...running, note: null };
  const defaults = localIdentityDefaults(env);
  const note =
    env.PORT !== undefined
      ? running && running.port !== defaults.port
        ? `Note: PORT=${defaults.port} is set, but the running local cloud is on port ${running.port}.`
        : null
      : `Note: no local cloud is running; this is for one on port ${defaults.port} (set PORT for another).`;
  return { ...defaults, url: `http://127.0.0.1:${defaults.port}`, note };
}
