import { busSubscriptions } from "@crm/core/declarations";
import { deliverBucketNotifications, type LocalS3 } from "@crm/local/s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { everyItem, invoke } from "../support/api-events";
import { aCustomField, aDeal } from "../support/builders";
import { startEventPipeline } from "../support/event-pipeline";
import { eventually } from "../support/eventually";
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

const csv = (text: string) => new TextEncoder().encode(text);

/** Import mapping to `customFields.<key>`: cells read as the field's type says, checked as the API checks values. */
describe("importing custom field values", () => {
  it("maps columns to custom fields by key or label, reads each type and satisfies a required field", async () => {
    const org = await anOrganisation();
    const tier = await aCustomField(org, {
      key: "tier",
      label: "Customer tier",
      type: "singleSelect",
      required: true,
      options: [{ label: "Gold" }, { label: "Silver" }],
    });
    const [gold, silver] = tier.options.map((option: { id: string }) => option.id);
    await aCustomField(org, { key: "score", type: "number" });
    await aCustomField(org, { key: "newsletter", label: "Newsletter", type: "boolean" });
    await aCustomField(org, { key: "budget", type: "currency", currency: "EUR" });
    await aCustomField(org, { key: "renewalDate", label: "Renewal date", type: "date" });
    await aCustomField(org, { key: "nickname", label: "Nickname", type: "text" });
    const fileId = await anUploadedCsv(
      org,
      csv(
        [
          "First Name,E-mail,Customer tier,score,Newsletter,budget,Renewal date,Nickname",
          'Ada,ada@example.com,Gold,"12,5",yes,"1.250,00",2027-03-31,Enchantress',
          "Charles,charles@example.com,opt_nope,x,maybe,ten,31/03/2027,",
          "Mary,mary@example.com,,,,,,",
          `Grace,grace@example.com,${silver},3,no,,,`,
        ].join("\n"),
      ),
    );
    const done = await importedToEnd(org, { fileId });
    expect(done.mapping).toMatchObject({
      "Customer tier": "customFields.tier",
      score: "customFields.score",
      Newsletter: "customFields.newsletter",
      budget: "customFields.budget",
      "Renewal date": "customFields.renewalDate",
      Nickname: "customFields.nickname",
    });
    expect(done.counts).toMatchObject({ rows: 4, created: 2, failed: 2 });

    const contacts = (await everyItem("contacts.list", { token: org.admin.token, params: { orgId: org.orgId } })) as {
      id: string;
      firstName: string;
      customFields: Record<string, unknown>;
    }[];
    const ada = contacts.find((contact) => contact.firstName === "Ada");
    expect(ada?.customFields).toEqual({
      tier: gold,
      score: 12.5,
      newsletter: true,
      budget: { amount: 125000, currency: "EUR" },
      renewalDate: "2027-03-31",
      nickname: "Enchantress",
    });
    const grace = contacts.find((contact) => contact.firstName === "Grace");
    expect(grace?.customFields).toEqual({ tier: silver, score: 3, newsletter: false });
    // Imported text values are search terms like any other.
    const found = await invoke("search.query", {
      token: org.admin.token,
      params: { orgId: org.orgId },
      query: { q: "enchant" },
    });
    expect(found.body.data.map((result: { id: string }) => result.id)).toEqual([ada?.id]);

    const errors = await invoke("imports.errors", {
      token: org.admin.token,
      params: { orgId: org.orgId, importId: done.id },
    });
    const byLine = (line: number) =>
      errors.body.data
        .filter((error: { line: number }) => error.line === line)
        .map(({ column, path }: { column: string; path: string }) => ({ column, path }));
    expect(byLine(3)).toEqual(
      expect.arrayContaining([
        { column: "Customer tier", path: "body.customFields.tier" },
        { column: "score", path: "body.customFields.score" },
        { column: "Newsletter", path: "body.customFields.newsletter" },
        { column: "budget", path: "body.customFields.budget" },
        { column: "Renewal date", path: "body.customFields.renewalDate" },
      ]),
    );
    // The required field's cell is empty: the create refuses it, at its column.
    expect(byLine(4)).toEqual([{ column: "Customer tier", path: "body.customFields.tier" }]);
  });

  it("refuses a mapping to an unknown custom field or one that leaves a required field unmapped, and other roles' and tenants' imports", async () => {
    const org = await anOrganisation();
    await aCustomField(org, { key: "tier", type: "text", required: true });
    const fileId = await anUploadedCsv(org, csv("First Name,Level,Other\nAda,Gold,x\n"));
    const refused = await startImport(org, {
      fileId,
      mapping: { "First Name": "firstName", Level: "customFields.nope", Other: null },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual(["body.mapping.Level"]);
    const unmapped = await startImport(org, { fileId, mapping: { "First Name": "firstName", Level: null } });
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.errors).toEqual([
      { path: "body.mapping", message: "Map a column to customFields.tier: every contact needs it." },
    ]);

    const viewer = await org.member("viewer");
    const forbidden = await startImport(
      org,
      { fileId, mapping: { "First Name": "firstName", Level: "customFields.tier" } },
      viewer.token,
    );
    expect(forbidden.status).toBe(403);
    const stranger = await anOrganisation();
    const elsewhere = await invoke("imports.create", {
      token: stranger.admin.token,
      params: { orgId: org.orgId },
      body: { recordType: "contact", fileId, mapping: { "First Name": "firstName", Level: "customFields.tier" } },
    });
    expect([403, 404]).toContain(elsewhere.status);

    const accepted = await startImport(org, {
      fileId,
      mapping: { "First Name": "firstName", Level: "customFields.tier" },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect((await finished(org, accepted.body.id)).counts).toMatchObject({ created: 1, failed: 0 });
  });
});
