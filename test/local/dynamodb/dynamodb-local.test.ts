import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import {
  type DynamoDbLocal,
  DynamoDbLocalStartError,
  findJava,
  JavaNotFoundError,
  localAwsClientConfig,
  provisionTable,
  startDynamoDbLocal,
} from "@crm/local/dynamodb";
import { afterEach, describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));
const parentFixture = fileURLToPath(new URL("./fixtures/dynamodb-local-parent.ts", import.meta.url));

// Whatever a failing test leaves running is stopped here, by pid, so one failure does not leak Java processes.
const startedInstances: DynamoDbLocal[] = [];
const startedProcessIds: number[] = [];
const temporaryDirectories: string[] = [];
afterEach(async () => {
  await Promise.all(startedInstances.splice(0).map((instance) => instance.stop()));
  for (const pid of startedProcessIds.splice(0)) if (isRunning(pid)) process.kill(pid, "SIGKILL");
  await Promise.all(temporaryDirectories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

describe("starting and stopping DynamoDB Local", () => {
  it("starts on a free port, answers DynamoDB requests, and stops without leaving a process", async () => {
    const dynamodb = await start();
    expect(dynamodb.endpoint).toBe(`http://127.0.0.1:${dynamodb.port}`);
    await expect(listTables(dynamodb.endpoint)).resolves.toBeDefined();

    await dynamodb.stop();

    expect(isRunning(dynamodb.pid)).toBe(false);
    await expect(canListen(dynamodb.port)).resolves.toBe(true);
    await expect(dynamodb.stop()).resolves.toBeUndefined();
  });

  it("listens on the requested port", async () => {
    const port = await freePort();

    const dynamodb = await start({ port });

    expect(dynamodb.endpoint).toBe(`http://127.0.0.1:${port}`);
    await expect(listTables(dynamodb.endpoint)).resolves.toBeDefined();
  });

  it("refuses a requested port that is already taken", async () => {
    const occupied = await listen(0);
    try {
      const port = (occupied.address() as { port: number }).port;

      await expect(start({ port })).rejects.toThrow(DynamoDbLocalStartError);
      await expect(start({ port })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      occupied.close();
    }
  });

  it("keeps data between runs when given a data directory, whatever credentials and region the client uses", async () => {
    const dataDirectory = join(await temporaryDirectory(), "not", "yet", "there");
    const first = await start({ dataDirectory });
    const writer = new DynamoDBClient(localAwsClientConfig(first.endpoint));
    await provisionTable(writer, "persisted");
    await writer.send(new PutItemCommand({ TableName: "persisted", Item: { pk: { S: "a" }, sk: { S: "b" } } }));
    writer.destroy();
    await first.stop();

    const second = await start({ dataDirectory });
    const reader = new DynamoDBClient({
      endpoint: second.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "someoneElse", secretAccessKey: "other" },
    });
    const { Item } = await reader.send(
      new GetItemCommand({ TableName: "persisted", Key: { pk: { S: "a" }, sk: { S: "b" } } }),
    );
    reader.destroy();

    expect(Item).toEqual({ pk: { S: "a" }, sk: { S: "b" } });
  });

  it("forgets everything between runs without a data directory", async () => {
    const first = await start();
    const client = new DynamoDBClient(localAwsClientConfig(first.endpoint));
    await provisionTable(client, "forgotten");
    client.destroy();
    await first.stop();

    const second = await start();

    await expect(listTables(second.endpoint)).resolves.toEqual([]);
  });
});

describe("the Java that DynamoDB Local needs", () => {
  it("finds Java 17 or newer on PATH", async () => {
    const java = await findJava({ PATH: process.env.PATH });

    expect(java.command).toBe("java");
    expect(java.majorVersion).toBeGreaterThanOrEqual(17);
  });

  it("explains how to get Java when there is none", async () => {
    const missing = findJava({ PATH: process.env.PATH, JAVA_HOME: "/nonexistent/java/home" });

    await expect(missing).rejects.toThrow(JavaNotFoundError);
    await expect(missing).rejects.toThrow("apt-get install openjdk-17-jre-headless");
    await expect(missing).rejects.toHaveProperty("cause.code", "ENOENT");
  });

  it("refuses a Java older than 17, saying which version it found", async () => {
    const javaHome = await fakeJavaHome('java version "1.8.0_392"');

    const tooOld = findJava({ PATH: process.env.PATH, JAVA_HOME: javaHome });

    await expect(tooOld).rejects.toThrow(JavaNotFoundError);
    await expect(tooOld).rejects.toThrow("is Java 8");
    await expect(tooOld).rejects.toMatchObject({ foundVersion: 8 });
  });

  it("runs the Java in JAVA_HOME rather than the one on PATH", async () => {
    const javaHome = await fakeJavaHome('openjdk version "21.0.2" 2024-01-16');

    const java = await findJava({ PATH: process.env.PATH, JAVA_HOME: javaHome });

    expect(java).toEqual({ command: join(javaHome, "bin", "java"), majorVersion: 21 });
  });
});

describe("never leaving DynamoDB Local behind", () => {
  it("stops DynamoDB Local when its parent process is killed", async () => {
    const parent = await startParentProcess("wait");

    parent.process.kill("SIGKILL");
    await parent.exited;

    await expect(exitsWithin(parent.javaPid, 5_000)).resolves.toBe(true);
  });

  it("stops DynamoDB Local before its parent dies of SIGTERM, and the parent still dies of that signal", async () => {
    const parent = await startParentProcess("wait");

    parent.process.kill("SIGTERM");

    await expect(parent.exited).resolves.toEqual({ code: null, signal: "SIGTERM" });
    expect(isRunning(parent.javaPid)).toBe(false);
  });

  it.each([
    { ending: "exit", description: "calls process.exit(3)", code: 3 },
    { ending: "throw", description: "throws an uncaught exception", code: 1 },
    { ending: "reject", description: "leaves a rejection unhandled", code: 1 },
  ])("stops DynamoDB Local when its parent $description, without changing its exit code", async ({ ending, code }) => {
    const parent = await startParentProcess(ending);

    await expect(parent.exited).resolves.toEqual({ code, signal: null });
    await expect(exitsWithin(parent.javaPid, 3_000)).resolves.toBe(true);
  });
});

describe("acknowledged writes survive a crash when DynamoDB Local has a data directory", () => {
  // DynamoDB Local answers a transaction before its COMMIT has run; only the last write before a kill is at risk.
  it("finds every acknowledged put and transaction after DynamoDB Local is SIGKILLed right after answering", async () => {
    const dataDirectory = await temporaryDirectory();
    const first = await start({ dataDirectory });
    const written = await writeThenAcknowledge(first.endpoint);

    process.kill(first.pid, "SIGKILL");
    await first.exited;

    const second = await start({ dataDirectory });
    await expect(missingItems(second.endpoint, written)).resolves.toEqual([]);
  });

  it("finds every acknowledged put and transaction after the parent's whole process group is SIGKILLed", async () => {
    const dataDirectory = await temporaryDirectory();
    const parent = await startParentProcess("wait", dataDirectory);
    const written = await writeThenAcknowledge(parent.endpoint);

    process.kill(-(parent.process.pid ?? 0), "SIGKILL");
    await parent.exited;
    await expect(exitsWithin(parent.javaPid, 5_000)).resolves.toBe(true);

    const restarted = await start({ dataDirectory });
    await expect(missingItems(restarted.endpoint, written)).resolves.toEqual([]);
  });
});

async function start(options?: Parameters<typeof startDynamoDbLocal>[0]): Promise<DynamoDbLocal> {
  const dynamodb = await startDynamoDbLocal(options);
  startedInstances.push(dynamodb);
  return dynamodb;
}

async function listTables(endpoint: string): Promise<string[] | undefined> {
  const client = new DynamoDBClient(localAwsClientConfig(endpoint));
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames;
  } finally {
    client.destroy();
  }
}

type ParentProcess = {
  process: ChildProcess;
  javaPid: number;
  endpoint: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * A separate Node 24 process that starts DynamoDB Local and then ends as `ending` says (see the fixture). With a data
 * directory it leads its own process group, as `npm start` in a terminal does.
 */
async function startParentProcess(ending: string, dataDirectory?: string): Promise<ParentProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", parentFixture, ending, ...(dataDirectory ? [dataDirectory] : [])],
    {
      cwd: repositoryRoot,
      detached: dataDirectory !== undefined,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // Tracked at once: a test that times out before the first line still gets the parent killed (its watchdog then
  // stops DynamoDB Local).
  if (child.pid !== undefined) startedProcessIds.push(child.pid);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline >= 0) resolve(stdout.slice(0, newline));
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`The parent process ended (${signal ?? code}) before starting DynamoDB Local:\n${stderr}`)),
    );
  });
  const { javaPid, endpoint } = JSON.parse(firstLine) as { javaPid: number; endpoint: string };
  startedProcessIds.push(javaPid);
  return { process: child, javaPid, endpoint, exited };
}

const durableTable = "durable";

/** Creates the table, then puts one item and writes two in a transaction, the transaction last; returns their keys. */
async function writeThenAcknowledge(endpoint: string): Promise<Record<string, AttributeValue>[]> {
  const client = new DynamoDBClient({ ...localAwsClientConfig(endpoint), maxAttempts: 1 });
  try {
    await provisionTable(client, durableTable);
    const key = (pk: string) => ({ pk: { S: pk }, sk: { S: "item" } });
    await client.send(new PutItemCommand({ TableName: durableTable, Item: key("put") }));
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: ["transaction-first", "transaction-second"].map((pk) => ({
          Put: { TableName: durableTable, Item: key(pk), ConditionExpression: "attribute_not_exists(pk)" },
        })),
      }),
    );
    return ["put", "transaction-first", "transaction-second"].map(key);
  } finally {
    client.destroy();
  }
}

async function missingItems(endpoint: string, keys: Record<string, AttributeValue>[]): Promise<string[]> {
  const client = new DynamoDBClient(localAwsClientConfig(endpoint));
  try {
    const { Responses } = await client.send(
      new BatchGetItemCommand({ RequestItems: { [durableTable]: { Keys: keys, ConsistentRead: true } } }),
    );
    const found = new Set((Responses?.[durableTable] ?? []).map((item) => item.pk?.S));
    return keys.map((key) => key.pk?.S ?? "").filter((pk) => !found.has(pk));
  } finally {
    client.destroy();
  }
}

/** Alive and not a zombie: an orphan's zombie lingers until whoever adopted it reaps it. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z" && state !== "X";
  } catch {
    return process.platform !== "linux";
  }
}

async function exitsWithin(pid: number, milliseconds: number): Promise<boolean> {
  const deadline = Date.now() + milliseconds;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port, host: "0.0.0.0" }, () => resolve(server));
  });
}

async function canListen(port: number): Promise<boolean> {
  try {
    const server = await listen(port);
    await new Promise((resolve) => server.close(resolve));
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  const server = await listen(0);
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function temporaryDirectory(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "crm-dynamodb-local-"));
  temporaryDirectories.push(path);
  return path;
}

/** A JAVA_HOME whose `bin/java -version` prints `versionLine` to stderr, as real Java does. */
async function fakeJavaHome(versionLine: string): Promise<string> {
  const javaHome = await temporaryDirectory();
  await mkdir(join(javaHome, "bin"));
  const java = join(javaHome, "bin", "java");
  await writeFile(java, `#!/bin/sh\necho '${versionLine}' >&2\n`);
  await chmod(java, 0o755);
  return javaHome;
}
