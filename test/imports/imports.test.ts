import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { busSubscriptions } from "@crm/core/declarations";
import { csvRows, sweepImports } from "@crm/core/import";
import { deliverBucketNotifications, type LocalS3 } from "@crm/local/s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { everyItem, invoke } from "../support/api-events";
import { aDeal } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
import { injectTransactionFailures } from "../support/faults";
import { linkLocalS3, uploadTo } from "../support/files";
import { anOrganisation, type TestOrganisation } from "../support/organisations";

vi.hoisted(() => {
  process.env.LOG_LEVEL = "WARN";
});

let s3: LocalS3;
let stopNotifications: () => Promise<void>;
let pipeline: Awaited<ReturnType<typeof startEventPipeline>>;
// Uploads are checked as S3 notifies the check; import runs are requested on the local bus, which runs the real
// subscriber chunk after chunk.
beforeAll(async () => {
  s3 = await linkLocalS3();
  stopNotifications = deliverBucketNotifications(s3);
  pipeline = await startEventPipeline({ importRun: busSubscriptions.importRun });
});
afterAll(async () => {
  await pipeline?.stop();
  await stopNotifications?.();
  await s3?.close();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** A CSV uploaded to a deal of the organisation and checked, ready to import. */
async function anUploadedCsv(org: TestOrganisation, bytes: Uint8Array, name = "contacts.csv"): Promise<string> {
  const deal = await aDeal(org);
  const created = await invoke("files.create", {
    token: org.admin.token,
    params: { orgId: org.orgId },
    body: { name, contentType: "text/csv", size: bytes.length, records: [{ type: "deal", id: deal.id }] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await uploadTo(created.body.upload, bytes, name)).status).toBe(204);
  await eventually(async () => {
    const file = await invoke("files.get", {
      token: org.admin.token,
      params: { orgId: org.orgId, fileId: created.body.file.id },
    });
    expect(file.body.status).toBe("available");
  });
  return created.body.file.id;
}

const startImport = (org: TestOrganisation, body: Record<string, unknown>, token = org.admin.token) =>
  invoke("imports.create", { token, params: { orgId: org.orgId }, body: { recordType: "contact", ...body } });

const importOf = async (org: TestOrganisation, importId: string) =>
  (await invoke("imports.get", { token: org.admin.token, params: { orgId: org.orgId, importId } })).body;

/** Waits until the import has run to its end, however many chunks that takes. */
const finished = (org: TestOrganisation, importId: string, timeoutMs = 60_000) =>
  eventually(async () => {
    const current = await importOf(org, importId);
    expect(["completed", "failed"]).toContain(current.status);
    return current;
  }, timeoutMs);

async function importedToEnd(org: TestOrganisation, body: Record<string, unknown>) {
  const started = await startImport(org, body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return finished(org, started.body.id);
}

async function contactsOf(
  org: TestOrganisation,
): Promise<{ id: string; emails: string[]; firstName?: string; title?: string }[]> {
  return everyItem("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } });
}

// contacts.csv: 39 rows; four fail (three bad emails, a bad phone); two repeat an earlier email in another case.
const fixtureCounts = { rows: 39, created: 33, updated: 0, skipped: 2, failed: 4 };

describe("importing contacts from a CSV file", () => {
  it("a dry run reports what would be created, skipped and fail, and writes nothing", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, fixture("contacts.csv"));
    const done = await importedToEnd(org, { fileId, dryRun: true });
    expect(done).toMatchObject({ status: "completed", dryRun: true, counts: fixtureCounts });
    expect(done.mapping).toMatchObject({ "E-mail Address": "emails", "Favourite colour": null });
    expect(await contactsOf(org)).toEqual([]);
  });

  it("a real run creates each contact once and lists the failed rows with their line, column and path", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, fixture("contacts.csv"));
    const done = await importedToEnd(org, { fileId });
    expect(done).toMatchObject({ status: "completed", dryRun: false, counts: fixtureCounts });

    const contacts = await contactsOf(org);
    expect(contacts).toHaveLength(33);
    expect(contacts.filter((contact) => contact.emails.includes("zoe.martin@example.com"))).toHaveLength(1);
    expect(contacts.filter((contact) => contact.emails.includes("emily.clark@example.com"))).toHaveLength(1);

    const errors = await invoke("imports.errors", {
      token: (await org.member("viewer")).token,
      params: { orgId: org.orgId, importId: done.id },
    });
    expect(errors.status).toBe(200);
    expect(errors.body.truncated).toBe(false);
    expect(errors.body.data).toContainEqual({
      line: 19,
      column: "E-mail Address",
      path: "body.emails.0",
      message: expect.any(String),
    });
    expect(new Set(errors.body.data.map((error: { line: number }) => error.line)).size).toBe(4);
    expect(errors.body.data.map((error: { path: string }) => error.path)).toContain("body.phones.0");

    // The failed rows as CSV, as the file had them, between their line and their errors: fixed, it imports again.
    expect(done.errorReport).toEqual({ url: expect.any(String), expiresAt: expect.any(String) });
    const report = await fetch(done.errorReport.url);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-disposition")).toContain(`import-${done.id}-errors.csv`);
    const reportRows = [];
    for await (const row of csvRows(Readable.from([new Uint8Array(await report.arrayBuffer())])))
      reportRows.push(row.values);
    const failedLines = [...new Set(errors.body.data.map((error: { line: number }) => String(error.line)))];
    expect(reportRows.map((row) => row.Line)).toEqual(failedLines);
    expect(Object.keys(reportRows[0] ?? {})).toEqual([
      "Line",
      ...["First Name", "Last Name", "E-mail Address", "Phone", "Job title", "Company", "Tags", "Favourite colour"],
      "Errors",
    ]);
    const line19 = reportRows.find((row) => row.Line === "19");
    expect(line19?.Errors).toMatch(/^E-mail Address: /);
    expect(line19?.["E-mail Address"]).not.toBe("");

    // The records' audit entries name the import as their request.
    const audit = await invoke("audit.list", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { recordId: contacts[0]?.id ?? "" },
    });
    expect(audit.body.data[0]).toMatchObject({ action: "created", requestId: `import:${done.id}` });
  });

  it("running it again with skip creates nothing new for rows with an email, and with update updates the existing contacts", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, fixture("contacts.csv"));
    await importedToEnd(org, { fileId });

    const skipped = await importedToEnd(org, { fileId, onDuplicate: "skip" });
    // Pierre Lambert has no email, so nothing can match him to the contact of the first run: he is created again.
    expect(skipped.counts).toEqual({ rows: 39, created: 1, updated: 0, skipped: 34, failed: 4 });
    expect(await contactsOf(org)).toHaveLength(34);

    const titles = new TextEncoder().encode("Email,Job title\nzoe.martin@example.com,Chief Operating Officer\n");
    const changes = await anUploadedCsv(org, titles, "titles.csv");
    const updated = await importedToEnd(org, { fileId: changes, onDuplicate: "update" });
    expect(updated.counts).toEqual({ rows: 1, created: 0, updated: 1, skipped: 0, failed: 0 });
    const contacts = await contactsOf(org);
    expect(contacts).toHaveLength(34);
    expect(contacts.find((contact) => contact.emails.includes("zoe.martin@example.com"))?.title).toBe(
      "Chief Operating Officer",
    );
  });

  it("an import that crashes after writing a chunk's rows but before saving its cursor resumes and imports each row exactly once", async () => {
    const org = await anOrganisation();
    const rows = Array.from({ length: 300 }, (_, index) => `Person,${index},person${index}@example.com`);
    const fileId = await anUploadedCsv(
      org,
      new TextEncoder().encode(`First Name,Last Name,Email\n${rows.join("\n")}\n`),
      "people.csv",
    );
    // Saving a chunk's cursor is the only write that names it: every save fails, as if the runner died there.
    const removeFault = injectTransactionFailures("cursorLine");
    let importId: string;
    try {
      const started = await startImport(org, { fileId });
      importId = started.body.id;
      await pipeline.settle(); // the first chunk and the bus's retries of it (each finds the lease still held)
      const stuck = await importOf(org, importId);
      expect(stuck).toMatchObject({ status: "running", counts: { rows: 0 } });
      expect((await contactsOf(org)).length).toBeGreaterThan(0);
    } finally {
      removeFault();
    }
    // The sweep, once the crashed runner's lease has run out, asks for the chunk again.
    const swept = await sweepImports({ at: Date.now() + 10 * 60_000 });
    expect(swept.restarted).toBeGreaterThanOrEqual(1);
    const done = await finished(org, importId);
    expect(done).toMatchObject({
      status: "completed",
      counts: { rows: 300, created: 300, updated: 0, skipped: 0, failed: 0 },
    });
    const contacts = await contactsOf(org);
    expect(contacts).toHaveLength(300);
    expect(new Set(contacts.map((contact) => contact.emails[0])).size).toBe(300);
  }, 120_000);

  it("refuses another organisation's file id", async () => {
    const org = await anOrganisation();
    const other = await anOrganisation("Other");
    const theirs = await anUploadedCsv(other, fixture("contacts.csv"));
    const refused = await startImport(org, { fileId: theirs });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: "body.fileId", message: expect.any(String) }]);
  });

  it("refuses a mapping that names a column the file does not have, or no field a contact needs", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, fixture("contacts.csv"));
    const refused = await startImport(org, { fileId, mapping: { "E-mail": "emails" } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain("body.mapping.E-mail");
  });

  it("a viewer cannot start an import", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(org, fixture("contacts.csv"));
    const viewer = await org.member("viewer");
    const refused = await startImport(org, { fileId }, viewer.token);
    expect(refused.status).toBe(403);
  });
});

describe("importing deals from a CSV file", () => {
  it("creates each deal once with the default currency, its id derived from the import and the line", async () => {
    const org = await anOrganisation();
    const fileId = await anUploadedCsv(
      org,
      new TextEncoder().encode("Deal name,Amount\nLicences,1.250,00\nSupport,300\n".replace("1.250,00", '"1.250,00"')),
      "deals.csv",
    );
    const done = await importedToEnd(org, { fileId, recordType: "deal", defaultCurrency: "EUR" });
    expect(done.counts).toEqual({ rows: 2, created: 2, updated: 0, skipped: 0, failed: 0 });
    const deals = await invoke("deals.list", { token: org.admin.token, params: { orgId: org.orgId } });
    const imported = deals.body.data.filter((deal: { title: string }) => ["Licences", "Support"].includes(deal.title));
    expect(imported.map((deal: { value: unknown }) => deal.value)).toEqual(
      expect.arrayContaining([
        { amount: 125_000, currency: "EUR" },
        { amount: 30_000, currency: "EUR" },
      ]),
    );
  });
});
