import { busName, busSubscriptions } from "@crm/core/declarations";
import { importRunRequestSchema, runImportChunk } from "@crm/core/import";
import type { RealtimeMessage } from "@crm/core/realtime";
import { type LocalBus, startLocalBus } from "@crm/local/events";
import { deliverBucketNotifications, type LocalS3 } from "@crm/local/s3";
import type { WebSocketGateway } from "@crm/local/websocket";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { everyItem, invoke } from "../support/api-events";
import { aDeal } from "../support/builders";
import { eventually } from "../support/eventually";
import { anUploadedFile, linkLocalS3 } from "../support/files";
import { anOrganisation, type Person, type TestOrganisation } from "../support/organisations";
import { RealtimeClient, startRealtimeGateway } from "../support/realtime";

vi.hoisted(() => {
  process.env.LOG_LEVEL = "WARN";
});

/**
 * CSV imports as their starter follows them (issue 12): progress pushed over the WebSocket after every chunk, and a
 * file that turns malformed part-way through. Real WebSocket clients through the local gateway; uploads checked as
 * S3 notifies the check; each chunk run by the import-run subscriber on a local bus, as deployed but with chunks of
 * `rowsPerChunk` rows, so that a file of a few dozen rows takes several chunks.
 */
const rowsPerChunk = 10;
/** An import runs chunk after chunk, each writing its rows to DynamoDB Local: on a busy machine that takes a while. */
const importTimeout = { timeout: 120_000 };

let gateway: WebSocketGateway;
let s3: LocalS3;
let stopNotifications: () => Promise<void>;
let bus: LocalBus;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  // Before any handler reads its configuration: pushes go through this gateway, requests for chunks to this bus.
  gateway = await startRealtimeGateway();
  s3 = await linkLocalS3();
  stopNotifications = deliverBucketNotifications(s3);
  bus = await startLocalBus({
    busName: "crm-import-progress-bus",
    subscriptions: { importRun: busSubscriptions.importRun },
    retry: { attempts: 3, baseDelayMs: 50 },
    loadHandler: async () => async (envelope) =>
      runImportChunk(importRunRequestSchema.parse(envelope.detail), { maxRows: rowsPerChunk }),
  });
  process.env[`SST_RESOURCE_${busName}`] = JSON.stringify({ name: "crm-import-progress-bus" });
  process.env.EVENTBRIDGE_ENDPOINT = bus.endpoint;
});
afterAll(async () => {
  // A test that failed part-way may leave a chunk running: it gets a moment to end, but never holds up the rest.
  await Promise.race([bus?.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  await Promise.allSettled(clients.map((client) => client.close()));
  await bus?.close();
  await stopNotifications?.();
  await s3?.close();
  await gateway?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the import as the API shows it, as they do response bodies
type ImportAsShown = Record<string, any> & { id: string; status: string };
type ImportProgress = Extract<RealtimeMessage, { type: "import.progress" }>;

/** A person connected to the WebSocket API and subscribed to their organisation's feed. */
async function connectedAndSubscribed(person: Person, org: TestOrganisation): Promise<RealtimeClient> {
  const client = await RealtimeClient.connect(gateway.url, person.token);
  clients.push(client);
  expect(await client.request({ action: "subscribe", orgId: org.orgId })).toEqual({
    type: "subscribed",
    orgId: org.orgId,
  });
  return client;
}

/** The `import.progress` messages a client has received about an import, in the order they arrived. */
const progressOf = (client: RealtimeClient, importId: string) =>
  client.received
    .filter((message): message is ImportProgress => message.type === "import.progress")
    .filter((message) => message.import.id === importId)
    .map((message) => message.import as ImportAsShown);

/** Contact rows `from` to `to` (1-based) as CSV lines: row n is Person n, person<n>@example.com. */
const contactRows = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `Person,${from + index},person${from + index}@example.com`);

const emailsOfRows = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `person${from + index}@example.com`);

/** A contacts CSV: its header on line 1, then the given lines (so the nth of them is on line n + 1). */
const aContactsCsv = (lines: string[]) => new TextEncoder().encode(`First Name,Last Name,Email\n${lines.join("\n")}\n`);

/** A CSV uploaded to a deal of the organisation and checked, ready to import. */
async function anUploadedCsv(org: TestOrganisation, bytes: Uint8Array): Promise<string> {
  const deal = await aDeal(org);
  const { fileId } = await anUploadedFile(org, [{ type: "deal", id: deal.id }], {
    name: "contacts.csv",
    contentType: "text/csv",
    bytes,
  });
  await eventually(async () => {
    const file = await invoke("files.get", { token: org.admin.token, params: { orgId: org.orgId, fileId } });
    expect(file.body.status).toBe("available");
  });
  return fileId;
}

async function startImport(org: TestOrganisation, body: Record<string, unknown>): Promise<string> {
  const started = await invoke("imports.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { recordType: "contact", ...body },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.id;
}

const importOf = async (org: TestOrganisation, importId: string): Promise<ImportAsShown> =>
  (await invoke("imports.get", { token: org.admin.token, params: { orgId: org.orgId, importId } })).body;

/**
 * Waits until the import has run to its end, however many chunks that takes, and until the runner is done with
 * its last chunk (the push comes after the save); no chunk may have failed on the bus.
 */
async function finished(org: TestOrganisation, importId: string): Promise<ImportAsShown> {
  await eventually(async () => {
    expect(["completed", "failed"]).toContain((await importOf(org, importId)).status);
  }, 90_000);
  await bus.idle();
  expect(bus.deadLetters()).toEqual([]);
  return importOf(org, importId);
}

async function contactEmailsOf(org: TestOrganisation): Promise<string[]> {
  const contacts = await everyItem<{ emails: string[] }>("contacts.list", {
    token: org.admin.token,
    params: { orgId: org.orgId },
  });
  return contacts.flatMap((contact) => contact.emails).sort();
}

describe("an import's progress over the WebSocket", () => {
  // 35 rows, 4 chunks of at most 10: row 7 has a malformed email (fails), row 23 repeats row 3's email (skipped).
  const rows = contactRows(1, 35).map((line, index) => {
    if (index + 1 === 7) return "Person,7,not-an-email";
    if (index + 1 === 23) return "Person,23,PERSON3@example.com";
    return line;
  });

  it(
    "reaches the member who started it after every chunk, with growing counts, ending completed as GET shows it",
    importTimeout,
    async () => {
      const org = await anOrganisation();
      const importer = await connectedAndSubscribed(org.admin, org);
      const fileId = await anUploadedCsv(org, aContactsCsv(rows));

      const importId = await startImport(org, { fileId });
      const done = await finished(org, importId);

      expect(done).toMatchObject({
        status: "completed",
        counts: { rows: 35, created: 33, updated: 0, skipped: 1, failed: 1 },
      });
      await importer.next((message) => message.type === "import.progress" && message.import.status === "completed");
      const progress = progressOf(importer, importId);
      expect(progress.map((shown) => shown.status)).toEqual(["running", "running", "running", "completed"]);
      expect(progress.map((shown) => shown.counts)).toEqual([
        { rows: 10, created: 9, updated: 0, skipped: 0, failed: 1 },
        { rows: 20, created: 19, updated: 0, skipped: 0, failed: 1 },
        { rows: 30, created: 28, updated: 0, skipped: 1, failed: 1 },
        { rows: 35, created: 33, updated: 0, skipped: 1, failed: 1 },
      ]);
      // The same import, but for the error report's presigned URL, signed anew at each read.
      const presigned = { url: expect.any(String), expiresAt: expect.any(String) };
      expect(progress.at(-1)).toEqual({ ...done, errorReport: presigned });
      expect(done.errorReport).toEqual(presigned);
    },
  );

  it(
    "shows in every message the import as GET shows it: its file, starter, mapping and start time",
    importTimeout,
    async () => {
      const org = await anOrganisation();
      const importer = await connectedAndSubscribed(org.admin, org);
      const fileId = await anUploadedCsv(org, aContactsCsv(contactRows(1, 25)));

      const importId = await startImport(org, { fileId });
      const done = await finished(org, importId);

      await importer.next((message) => message.type === "import.progress" && message.import.status === "completed");
      const progress = progressOf(importer, importId);
      expect(progress).toHaveLength(3);
      const unchanging = ["id", "fileId", "recordType", "mapping", "onDuplicate", "dryRun", "createdBy", "createdAt"];
      const asShown = Object.fromEntries([...unchanging, "startedAt"].map((field) => [field, done[field]]));
      expect(asShown.startedAt).toEqual(expect.any(String));
      for (const shown of progress) expect(shown).toMatchObject(asShown);
    },
  );

  it(
    "reaches neither another member of the organisation nor a member of another organisation",
    importTimeout,
    async () => {
      const org = await anOrganisation();
      const other = await anOrganisation("Other");
      const colleague = await org.member("member");
      const importer = await connectedAndSubscribed(org.admin, org);
      const colleagueClient = await connectedAndSubscribed(colleague, org);
      const outsiderClient = await connectedAndSubscribed(other.admin, other);
      const fileId = await anUploadedCsv(org, aContactsCsv(contactRows(1, 25)));

      const importId = await startImport(org, { fileId });
      await finished(org, importId);

      await importer.next((message) => message.type === "import.progress" && message.import.status === "completed");
      expect(progressOf(importer, importId)).toHaveLength(3);
      // Every push of the import was made before these replies were sent, and a connection's messages arrive in order.
      await colleagueClient.request({ action: "subscribe", orgId: org.orgId });
      await outsiderClient.request({ action: "subscribe", orgId: other.orgId });
      expect(colleagueClient.received.filter((message) => message.type === "import.progress")).toEqual([]);
      expect(outsiderClient.received.filter((message) => message.type === "import.progress")).toEqual([]);
    },
  );
});

// Rows 1 to 25 on lines 2 to 26, the bad line 27, then rows that are fine again on lines 28 to 31.
const malformations = [
  { kind: "a row with more fields than the header", badLine: "Bad,Row,bad@example.com,surplus" },
  { kind: "a quote that is never closed", badLine: '"Unclosed,Row,unclosed@example.com' },
];

describe.each(malformations)("a CSV that turns malformed part-way, with $kind on line 27", ({ badLine }) => {
  const file = aContactsCsv([...contactRows(1, 25), badLine, ...contactRows(26, 29)]);
  const failure = { reason: "malformed-csv", line: 27, message: expect.stringMatching(/^Line 27: /) };

  it(
    "imports the rows before the bad line, fails at that line and writes nothing after it",
    importTimeout,
    async () => {
      const org = await anOrganisation();
      const importer = await connectedAndSubscribed(org.admin, org);
      const fileId = await anUploadedCsv(org, file);

      const importId = await startImport(org, { fileId });
      const done = await finished(org, importId);

      expect(done).toMatchObject({
        status: "failed",
        dryRun: false,
        counts: { rows: 25, created: 25, updated: 0, skipped: 0, failed: 0 },
        failure,
      });
      expect(await contactEmailsOf(org)).toEqual(emailsOfRows(1, 25).sort());
      await importer.next((message) => message.type === "import.progress" && message.import.status === "failed");
      const progress = progressOf(importer, importId);
      expect(progress.map((shown) => shown.status)).toEqual(["running", "running", "failed"]);
      expect(progress.map((shown) => shown.counts.rows)).toEqual([10, 20, 25]);
      expect(progress.at(-1)).toEqual(done);
    },
  );

  it("as a dry run reports the same failure after the same rows and writes nothing", importTimeout, async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, file);

    const importId = await startImport(org, { fileId, dryRun: true });
    const done = await finished(org, importId);

    expect(done).toMatchObject({
      status: "failed",
      dryRun: true,
      counts: { rows: 25, created: 25, updated: 0, skipped: 0, failed: 0 },
      failure,
    });
    expect(await contactEmailsOf(org)).toEqual([]);
  });
});
